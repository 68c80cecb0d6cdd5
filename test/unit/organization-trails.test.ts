// Organization trails, values AWS rewrites, and TrailGuard's own role, with recorded AWS responses for what moto cannot model
// (organization-trail semantics, cross-account KMS aliases, AWS refusing or silently ignoring IsOrganizationTrail).
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { remediate } from '../../lambda/remediate.js';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import type { TamperEvent } from '#core/tamper-event.js';
import { acceptedOutcomes, loadCase } from '../support/cases.js';
import { loadFixture, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const kms = mockClient(KMSClient);
const sns = mockClient(SNSClient);
const organizations = mockClient(OrganizationsClient);

const MANAGEMENT = '333333333333';
const DELEGATED = '444444444444';
const MEMBER = '222222222222';
const ORG_TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-trail`;
const KEY_ARN = 'arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts';

/** GetTrail of the organization trail as AWS reports it. */
function orgTrail(overrides: Partial<Trail> = {}): { Trail: Trail } {
  return {
    Trail: {
      Name: 'org-trail',
      TrailARN: ORG_TRAIL_ARN,
      S3BucketName: 'org-trail-logs-333333333333',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: true,
      IsOrganizationTrail: true,
      HomeRegion: 'us-east-1',
      ...overrides,
    },
  };
}

interface Setup {
  trails: Record<string, unknown>[];
  organization?: { managementAccount: string; delegatedAdministrators?: string[] } | null;
}

function setup({ trails, organization = null }: Setup) {
  const log = recordingLog();
  const deps = createDefaultDeps({
    env: {
      AWS_REGION: 'us-east-1',
      TRAILGUARD_TOPIC_ARN: TOPIC,
      TRAILGUARD_TRAILS: JSON.stringify(trails),
      ...(organization ? { TRAILGUARD_ORGANIZATION: JSON.stringify(organization) } : {}),
    },
    log,
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  const handler = createHandler(() => deps);
  return { deps, log, handle: (event: unknown) => handler(event) as Promise<RemediationResult> };
}

function publishedAlerts(): Alert[] {
  return sns.commandCalls(PublishCommand).map((call) => AlertSchema.parse(JSON.parse(call.args[0].input.Message!)));
}

/** The account whose assumed-role credentials signed a mocked call (AssumeRole below hands out `ASIA<account>`). */
async function accountOf(call: { thisValue: unknown }): Promise<string> {
  const config = (call.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } }).config;
  return (await config.credentials()).accessKeyId.replace(/^ASIA/, '');
}

async function callsIn(command: new (input: never) => unknown): Promise<{ account: string; input: Record<string, unknown> }[]> {
  const calls = cloudtrail.commandCalls(command as never);
  return Promise.all(calls.map(async (c) => ({ account: await accountOf(c), input: c.args[0].input as Record<string, unknown> })));
}

/** The same event as if made in (and naming a trail of) another account. */
function retargetEvent(event: Envelope, account: string): Envelope {
  return JSON.parse(JSON.stringify(event).split(MANAGEMENT).join(account)) as Envelope;
}

function ownRole(event: Envelope, account = MEMBER): Envelope {
  const copy = structuredClone(event);
  copy.detail.userIdentity.arn = `arn:aws:sts::${account}:assumed-role/TrailGuardRemediator/trailguard-remediator`;
  copy.detail.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${account}:role/TrailGuardRemediator`;
  return copy;
}

/** The delegated administrator stops the organization trail: the ARN names the management account, the event the delegated administrator. */
function delegatedAdminStop(): TamperEvent {
  return {
    id: '0d3c2b1a-5e4f-4a3b-9c8d-7e6f5a4b3c2d',
    eventName: 'StopLogging',
    eventTime: '2026-11-28T10:02:13Z',
    account: DELEGATED,
    region: 'us-east-1',
    eventRegion: 'us-east-1',
    trail: { name: 'org-trail', arn: ORG_TRAIL_ARN, account: MANAGEMENT },
    actor: {
      arn: `arn:aws:sts::${DELEGATED}:assumed-role/SecurityAdmin/attacker-session`,
      type: 'AssumedRole',
      issuerArn: `arn:aws:iam::${DELEGATED}:role/SecurityAdmin`,
      accountId: DELEGATED,
      sourceIp: '203.0.113.99',
      userAgent: 'aws-cli/2.22.4',
    },
    errorCode: null,
    errorMessage: null,
    requestParameters: { name: ORG_TRAIL_ARN },
    responseElements: {},
  };
}

const denied = (account: string) =>
  Object.assign(
    new Error(
      `User: arn:aws:sts::111111111111:assumed-role/trailguard-remediator/x is not authorized to perform: sts:AssumeRole on arn:aws:iam::${account}:role/TrailGuardRemediator`,
    ),
    {
      name: 'AccessDenied',
    },
  );

let deniedAccounts: Set<string>;

beforeEach(() => {
  sts.reset();
  cloudtrail.reset();
  kms.reset();
  sns.reset();
  organizations.reset();
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: MANAGEMENT } });
  deniedAccounts = new Set();
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = input.RoleArn.split(':')[4]!;
    if (deniedAccounts.has(account)) throw denied(account);
    return {
      Credentials: {
        AccessKeyId: `ASIA${account}`,
        SecretAccessKey: 'member-secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3600_000),
      },
    };
  });
  cloudtrail.on(StartLoggingCommand).resolves({});
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('case 12: UpdateTrail IsOrganizationTrail=false on the organization trail', () => {
  const c = loadCase('12-org-trail-update-not-organization');

  it('with the case config (the baseline does not pin isOrganizationTrail) it alerts, and never says already-compliant', async () => {
    cloudtrail.on(GetTrailCommand).resolves(orgTrail({ IsOrganizationTrail: false }));
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(c.event);

    expect(acceptedOutcomes(c)).toContain(result.outcome);
    expect(result.outcome).toBe('alert-only');
    expect(result.reason).toMatch(/isOrganizationTrail/);
    expect(publishedAlerts()).toEqual([expect.objectContaining({ outcome: 'alert-only', changes: ['isOrganizationTrail -> false'] })]);
  });

  it('with isOrganizationTrail pinned, restores it in the management account and verifies it with GetTrail: the best expected value', async () => {
    cloudtrail
      .on(GetTrailCommand)
      .resolvesOnce(orgTrail({ IsOrganizationTrail: false }))
      .resolves(orgTrail());
    cloudtrail.on(UpdateTrailCommand).resolves({});
    const { handle } = setup({
      trails: [{ ...c.setup.config.trails![0], isOrganizationTrail: true }],
      organization: { managementAccount: MANAGEMENT },
    });

    const result = await handle(c.event);

    const best = c.expected.anyOf![0]!;
    expect(best.outcome).toContain(result.outcome);
    expect(result).toMatchObject({ outcome: 'restored', isLogging: best.trailAfter!.isLogging });
    expect(await callsIn(UpdateTrailCommand)).toEqual([
      { account: MANAGEMENT, input: expect.objectContaining({ Name: ORG_TRAIL_ARN, IsOrganizationTrail: true }) },
    ]);
    expect(result.actions).toEqual(['GetTrail', 'UpdateTrail: isOrganizationTrail', 'GetTrail', 'GetTrailStatus']);
    expect(publishedAlerts()[0]).toMatchObject({ outcome: 'restored', isLogging: true });
  });

  it('fails, and says so, when UpdateTrail is accepted but GetTrail still reports a one-account trail', async () => {
    cloudtrail.on(GetTrailCommand).resolves(orgTrail({ IsOrganizationTrail: false }));
    cloudtrail.on(UpdateTrailCommand).resolves({});
    const { handle } = setup({
      trails: [{ ...c.setup.config.trails![0], isOrganizationTrail: true }],
      organization: { managementAccount: MANAGEMENT },
    });

    const result = await handle(c.event);

    expect(result).toMatchObject({
      outcome: 'failed',
      error: 'UpdateTrail succeeded but the trail still differs from the baseline: isOrganizationTrail',
    });
    expect(publishedAlerts()[0]!.outcome).toBe('failed');
  });

  it('fails with AWS’s reason when trusted access for CloudTrail is off', async () => {
    cloudtrail.on(GetTrailCommand).resolves(orgTrail({ IsOrganizationTrail: false }));
    cloudtrail
      .on(UpdateTrailCommand)
      .rejects(Object.assign(new Error('Trusted access is not enabled'), { name: 'CloudTrailAccessNotEnabledException' }));
    const { handle } = setup({
      trails: [{ ...c.setup.config.trails![0], isOrganizationTrail: true }],
      organization: { managementAccount: MANAGEMENT },
    });

    const result = await handle(c.event);

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/^CloudTrailAccessNotEnabledException on UpdateTrail for trail org-trail in 333333333333\/us-east-1/);
  });
});

describe('case 13: DeleteTrail of the organization trail', () => {
  const c = loadCase('13-org-trail-delete-recreated');
  // The case's config in the model's terms: the management account named, the baseline saying it is an organization trail.
  const trails = [{ ...c.setup.config.trails![0], isOrganizationTrail: true }];

  it('recreates it as an organization trail in the management account, verified by GetTrail and GetTrailStatus', async () => {
    cloudtrail.on(CreateTrailCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves(orgTrail());
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    const { handle } = setup({ trails, organization: { managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] } });

    const result = await handle(c.event);

    const best = c.expected.anyOf![0]!;
    expect(best.outcome).toContain(result.outcome);
    expect(result).toMatchObject({ outcome: 'recreated', isLogging: true });
    expect(await callsIn(CreateTrailCommand)).toEqual([
      { account: MANAGEMENT, input: expect.objectContaining({ Name: 'org-trail', IsOrganizationTrail: true }) },
    ]);
    expect(cloudtrail).toHaveReceivedCommandWith(StartLoggingCommand, { Name: ORG_TRAIL_ARN });
    expect(publishedAlerts()[0]).toMatchObject({ outcome: 'recreated', isLogging: true });
  });

  it('never reports recreated when the trail comes back as a one-account trail', async () => {
    cloudtrail.on(CreateTrailCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves(orgTrail({ IsOrganizationTrail: false }));
    const { handle } = setup({ trails, organization: { managementAccount: MANAGEMENT } });

    const result = await handle(c.event);

    expect(result).toMatchObject({
      outcome: 'failed',
      error: 'trail recreated but it still differs from the baseline: isOrganizationTrail',
    });
    expect(publishedAlerts()[0]!.outcome).toBe('failed');
  });

  it('when TrailGuard cannot act in the management account, the delegated administrator recreates it (the management account still owns it)', async () => {
    deniedAccounts.add(MANAGEMENT);
    cloudtrail.on(CreateTrailCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves(orgTrail());
    const { handle } = setup({ trails, organization: { managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] } });

    const result = await handle(c.event);

    expect(result.outcome).toBe('recreated');
    expect((await callsIn(CreateTrailCommand)).map((call) => call.account)).toEqual([DELEGATED]);
    expect(cloudtrail).toHaveReceivedCommandWith(GetTrailCommand, { Name: ORG_TRAIL_ARN });
  });

  it('with the case config as given and the management account named, TrailGuard cannot know it was an organization trail: alert-only, nothing created', async () => {
    cloudtrail.on(GetTrailCommand).rejects(Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' }));
    const { handle } = setup({ trails: c.setup.config.trails!, organization: { managementAccount: MANAGEMENT } });

    const result = await handle(c.event);

    expect(acceptedOutcomes(c)).toContain(result.outcome);
    expect(result).toMatchObject({ outcome: 'alert-only', isLogging: false });
    expect(result.reason).toMatch(/management account 333333333333.*isOrganizationTrail/);
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
  });

  it('a trail another account deleted (a delegated administrator) is an organization trail: never recreated as a one-account trail', async () => {
    cloudtrail.on(GetTrailCommand).rejects(Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' }));
    const { deps } = setup({ trails: c.setup.config.trails! });
    const deleted: TamperEvent = { ...delegatedAdminStop(), eventName: 'DeleteTrail' };

    const decision = await remediate(deleted, deps.settings, deps);

    expect(decision).toMatchObject({ outcome: 'alert-only', isLogging: false });
    expect(decision.reason).toMatch(/owned by 333333333333 but deleted from 444444444444/);
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
  });

  it('when no account allowed to create it can be reached: failed, naming them and what to configure', async () => {
    deniedAccounts.add(MANAGEMENT).add(DELEGATED);
    const { handle } = setup({ trails, organization: { managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] } });

    const result = await handle(c.event);

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(
      /cannot be assumed in 333333333333 \(AccessDenied\), 444444444444 \(AccessDenied\).*roles\.deployOverrides/,
    );
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
    expect(publishedAlerts()[0]!.outcome).toBe('failed');
  });

  it('with the case config exactly as written (no organization block), AWS says 333333333333 is the management account: alert-only, nothing created', async () => {
    cloudtrail.on(GetTrailCommand).rejects(Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' }));
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(c.event);

    expect(acceptedOutcomes(c)).toContain(result.outcome);
    expect(result).toMatchObject({ outcome: 'alert-only', isLogging: false });
    expect(result.reason).toMatch(/management account 333333333333.*isOrganizationTrail/);
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
    expect(organizations).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 1);
    expect(publishedAlerts()[0]).toMatchObject({ outcome: 'alert-only' });
  });

  it('with no organization block, a deleted baseline trail of an ordinary member is still recreated (one DescribeOrganization says it is not the management account)', async () => {
    const member = retargetEvent(c.event, MEMBER);
    cloudtrail.on(CreateTrailCommand).resolves({});
    cloudtrail
      .on(GetTrailCommand)
      .resolves(orgTrail({ TrailARN: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/org-trail`, IsOrganizationTrail: false }));
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(member);

    expect(result).toMatchObject({ outcome: 'recreated', isLogging: true });
    expect(await callsIn(CreateTrailCommand)).toEqual([{ account: MEMBER, input: expect.objectContaining({ Name: 'org-trail' }) }]);
  });

  it('when DescribeOrganization fails, the deleted trail is alerted with the reason, never silently recreated as a one-account trail', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    cloudtrail.on(GetTrailCommand).rejects(Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' }));
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(c.event);

    expect(result.outcome).toBe('alert-only');
    expect(result.reason).toMatch(/could not tell whether 333333333333 is the organization's management account.*not authorized/);
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
  });
});

describe('a call on a trail that another account owns', () => {
  it('the delegated administrator stopping the organization trail: restarted in the management account that owns it', async () => {
    const { deps } = setup({ trails: [], organization: { managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] } });

    const decision = await remediate(delegatedAdminStop(), deps.settings, deps);

    expect(decision).toMatchObject({ outcome: 'restarted', isLogging: true, actions: ['StartLogging', 'GetTrailStatus'] });
    expect(await callsIn(StartLoggingCommand)).toEqual([{ account: MANAGEMENT, input: { Name: ORG_TRAIL_ARN } }]);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${MANAGEMENT}:role/TrailGuardRemediator` });
  });

  it('without a role in the owning account: failed, naming the account and what to configure', async () => {
    deniedAccounts.add(MANAGEMENT);
    const { deps } = setup({ trails: [], organization: { managementAccount: MANAGEMENT } });

    const decision = await remediate(delegatedAdminStop(), deps.settings, deps);

    expect(decision.outcome).toBe('failed');
    expect(decision.reason).toMatch(/owned by 333333333333, not by 444444444444.*list 333333333333 in members.*roles\.deployOverrides/);
    expect(decision.error).toMatch(/^AccessDenied assuming TrailGuardRemediator in 333333333333/);
    expect(cloudtrail.calls()).toHaveLength(0);
  });
});

describe('case 19: a baseline kmsKeyId given as an alias ARN', () => {
  const c = loadCase('19-baseline-kms-alias-vs-key-arn');
  const reported = {
    Trail: {
      Name: 'org-audit',
      S3BucketName: 'org-audit-logs-222222222222',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: true,
      IsOrganizationTrail: false,
      KmsKeyId: KEY_ARN,
    },
  };

  it('a benign UpdateTrail on a trail encrypted with that key is already-compliant, and the alert does not mention the key', async () => {
    cloudtrail.on(GetTrailCommand).resolves(reported);
    kms
      .on(DescribeKeyCommand, { KeyId: 'arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail' })
      .resolves({ KeyMetadata: { KeyId: '1234abcd', Arn: KEY_ARN } });
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(c.event);

    expect(c.expected.outcome).toContain(result.outcome);
    expect(cloudtrail).not.toHaveReceivedCommand(UpdateTrailCommand);
    const [alert] = publishedAlerts();
    expect(alert!.outcome).toBe('already-compliant');
    for (const field of c.expected.alertActionsExclude!) expect(alert!.actions.join(' ')).not.toContain(field);
    // The alias is resolved with the member's role, where the trail lives.
    expect(await accountOf(kms.commandCalls(DescribeKeyCommand)[0]!)).toBe(MEMBER);
  });

  it('a trail moved to another key is restored to the alias', async () => {
    cloudtrail
      .on(GetTrailCommand)
      .resolvesOnce({ Trail: { ...reported.Trail, KmsKeyId: 'arn:aws:kms:us-east-1:666666666666:key/attacker' } })
      .resolves(reported);
    cloudtrail.on(UpdateTrailCommand).resolves({});
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '1234abcd', Arn: KEY_ARN } });
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(c.event);

    expect(result).toMatchObject({
      outcome: 'restored',
      actions: ['DescribeKey', 'GetTrail', 'UpdateTrail: kmsKeyId', 'GetTrail', 'GetTrailStatus'],
    });
    expect(cloudtrail).toHaveReceivedCommandWith(UpdateTrailCommand, {
      KmsKeyId: 'arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail',
    });
  });

  it('an alias the member role cannot resolve: failed with the KMS error, the key never rewritten', async () => {
    cloudtrail.on(GetTrailCommand).resolves(reported);
    kms
      .on(DescribeKeyCommand)
      .rejects(Object.assign(new Error('not authorized to perform: kms:DescribeKey'), { name: 'AccessDeniedException' }));
    const { handle } = setup({ trails: c.setup.config.trails! });

    const result = await handle(c.event);

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/^AccessDeniedException on DescribeKey for trail org-audit in 222222222222\/us-east-1/);
    expect(cloudtrail).not.toHaveReceivedCommand(UpdateTrailCommand);
  });
});

describe("TrailGuard's own role: only its calls towards the baseline are ignored", () => {
  const trails = [{ name: 'org-audit', s3BucketName: 'central-trail-logs' }];
  const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit';
  const failed = (event: Envelope) => {
    event.detail.errorCode = 'AccessDenied';
    event.detail.errorMessage = 'with an explicit deny in an identity-based policy';
    return event;
  };

  it('a PutEventSelectors this remediator did not make (data-event selectors dropped) is tampering: checked and alerted', async () => {
    const event = ownRole(loadFixture('put-event-selectors'));
    event.detail.requestParameters = {
      trailName: 'org-audit',
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [] }],
    };
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] });
    const { handle } = setup({ trails });

    const result = await handle(event);

    expect(result.outcome).not.toBe('ignored');
    expect(result.reason).toMatch(/made with TrailGuard's own role TrailGuardRemediator, not towards the baseline/);
    expect(publishedAlerts()).toEqual([
      expect.objectContaining({
        eventName: 'PutEventSelectors',
        actor: expect.objectContaining({ arn: expect.stringContaining('TrailGuardRemediator') }),
      }),
    ]);
  });

  it('its own restoring PutEventSelectors, delivered back to it, is ignored: no call, no alert', async () => {
    const data = {
      ReadWriteType: 'All' as const,
      IncludeManagementEvents: false,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::payroll/'] }],
    };
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolvesOnce({ EventSelectors: [data] })
      .resolves({ EventSelectors: [data, { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] });
    cloudtrail.on(PutEventSelectorsCommand).resolves({});
    const { handle } = setup({ trails });
    await handle(loadFixture('put-event-selectors'));
    const put = cloudtrail.commandCalls(PutEventSelectorsCommand)[0]!.args[0].input;
    const echo = ownRole(loadFixture('put-event-selectors'));
    // CloudTrail records the request in camelCase.
    echo.detail.requestParameters = {
      trailName: TRAIL_ARN,
      eventSelectors: put.EventSelectors!.map((s) => ({
        readWriteType: s.ReadWriteType,
        includeManagementEvents: s.IncludeManagementEvents,
        dataResources: (s.DataResources ?? []).map((d) => ({ type: d.Type, values: d.Values })),
        excludeManagementEventSources: s.ExcludeManagementEventSources,
      })),
    };
    const before = { calls: cloudtrail.calls().length, alerts: publishedAlerts().length };

    const result = await handle(echo);

    expect(result.outcome).toBe('ignored');
    expect(cloudtrail.calls()).toHaveLength(before.calls);
    expect(publishedAlerts()).toHaveLength(before.alerts);
  });

  it.each([
    ['StopLogging', 'stop-logging'],
    ['DeleteTrail', 'delete-trail'],
    ['UpdateTrail away from the baseline', 'update-trail'],
    ['PutEventSelectors dropping management events', 'put-event-selectors'],
  ] as const)('a failed %s with its role is blocked and alerted, not ignored', async (_what, fixture) => {
    const { handle } = setup({ trails });

    const result = await handle(failed(ownRole(loadFixture(fixture))));

    expect(result.outcome).toBe('blocked');
    expect(result.reason).toMatch(/with TrailGuard's own role TrailGuardRemediator itself failed with AccessDenied/);
    expect(publishedAlerts()).toEqual([
      expect.objectContaining({ outcome: 'blocked', callError: expect.objectContaining({ code: 'AccessDenied' }) }),
    ]);
  });

  it('a StopLogging that succeeded with its role (its deny removed) is restarted and alerted', async () => {
    const { handle } = setup({ trails });

    const result = await handle(ownRole(loadFixture('stop-logging')));

    expect(result.outcome).toBe('restarted');
    expect(publishedAlerts()[0]!.outcome).toBe('restarted');
  });

  it('its own UpdateTrail towards the baseline is ignored whatever form CloudTrail recorded the bucket in', async () => {
    const event = ownRole(loadFixture('update-trail'));
    event.detail.requestParameters = {
      name: TRAIL_ARN,
      s3BucketName: 'central-trail-logs',
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
    };
    const { handle } = setup({ trails: [{ name: 'org-audit', s3BucketName: 'arn:aws:s3:::central-trail-logs' }] });

    expect((await handle(event)).outcome).toBe('ignored');
    expect(sns.calls()).toHaveLength(0);
  });
});
