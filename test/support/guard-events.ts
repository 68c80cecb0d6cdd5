// CloudTrail records of the calls trailguard-guard forwards (EventBridge and IAM), as EventBridge delivers them.
import type { PipelineCall } from '#core/pipeline-event.js';
import type { Envelope } from './fixtures.js';

export interface GuardEventOptions {
  account?: string;
  /** Where the call was made; IAM calls arrive in us-east-1 whatever the caller's region. */
  region?: string;
  /** Rule or role name. */
  name?: string;
  /** Role behind the caller's session (`AdminAccess`, `OrganizationAccountAccessRole`, `TrailGuardRemediator`). */
  actorRole?: string;
  errorCode?: string;
  params?: Record<string, unknown>;
  eventId?: string;
}

const IAM_CALLS = new Set([
  'DeleteRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
]);

/** requestParameters as CloudTrail logs each call (the API's request members in lowerCamelCase). */
function requestParameters(call: PipelineCall, name: string, account: string): Record<string, unknown> {
  switch (call) {
    case 'DeleteRule':
      return { name, force: false };
    case 'DisableRule':
      return { name };
    case 'PutRule':
      return { name, eventPattern: '{"source":["aws.cloudtrail"],"detail-type":["nothing-matches"]}', state: 'ENABLED' };
    case 'PutTargets':
      return { rule: name, targets: [{ id: 'trailguard-central-bus', arn: 'arn:aws:events:us-east-1:999999999999:event-bus/attacker' }] };
    case 'RemoveTargets':
      return { rule: name, ids: ['trailguard-central-bus'] };
    case 'DeleteRole':
      return { roleName: name };
    case 'UpdateAssumeRolePolicy':
      return {
        roleName: name,
        policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}',
      };
    case 'PutRolePolicy':
      return {
        roleName: name,
        policyName: name,
        policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}',
      };
    case 'DeleteRolePolicy':
      return { roleName: name, policyName: name };
    case 'AttachRolePolicy':
    case 'DetachRolePolicy':
      return { roleName: name, policyArn: `arn:aws:iam::${account}:policy/deny-all` };
    case 'PutRolePermissionsBoundary':
      return { roleName: name, permissionsBoundary: `arn:aws:iam::${account}:policy/deny-all` };
    case 'DeleteRolePermissionsBoundary':
      return { roleName: name };
  }
}

export function guardEvent(call: PipelineCall, o: GuardEventOptions = {}): Envelope {
  const account = o.account ?? '222222222222';
  const iam = IAM_CALLS.has(call);
  const region = o.region ?? 'us-east-1';
  const name = o.name ?? (iam ? 'trailguard-forwarder' : 'trailguard-forward');
  const role = o.actorRole ?? 'AdminAccess';
  const id = o.eventId ?? crypto.randomUUID();
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: iam ? 'aws.iam' : 'aws.events',
    account,
    time: '2026-11-20T10:01:00Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE:${role === 'AdminAccess' ? 'jdoe' : 'session'}`,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${role === 'AdminAccess' ? 'jdoe' : 'session'}`,
        accountId: account,
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
        },
      },
      eventTime: '2026-11-20T10:01:00Z',
      eventSource: iam ? 'iam.amazonaws.com' : 'events.amazonaws.com',
      eventName: call,
      awsRegion: region,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.22.4',
      requestParameters: { ...requestParameters(call, name, account), ...o.params },
      responseElements: null,
      ...(o.errorCode ? { errorCode: o.errorCode, errorMessage: `User is not authorized to perform ${call}` } : {}),
      requestID: crypto.randomUUID(),
      eventID: id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}
