// Organizations and Lake tampering on a real emulator (moto): the member rule forwards the calls, and the remediator
// reads the organization's real state back before it alerts to the real SNS topic. Issue 12, case 17 (case 15: forwarding).
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DisableAWSServiceAccessCommand,
  EnableAWSServiceAccessCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AnyAlertSchema, type Alert } from '#core/alert.js';
import { WATCHED_EVENTS } from '#core/config.js';
import { forwardPattern } from '#core/desired-state.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { loadCase, retargetAccounts } from '../support/cases.js';
import type { Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (prefix 67). The members moto creates in the organization get ids moto draws itself.
const MANAGEMENT = '670000000010';
const FORWARDING = '670000000011';
const REGION = 'us-east-1';

let world: MotoWorld;
let inbox: { topicArn: string; queueUrl: string; sqs: SQSClient };
let org: OrganizationsClient;
let organizationId: string;

function handlerFor() {
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, TRAILGUARD_TOPIC_ARN: inbox.topicArn },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  const handler = createHandler(() => deps);
  return (event: unknown) => handler(event) as Promise<RemediationResult>;
}

async function alertsOnTopic(): Promise<Alert[]> {
  return (await receiveAll(inbox.sqs, inbox.queueUrl)).map((m) => AnyAlertSchema.parse(JSON.parse(m.Message)));
}

async function newMember(name: string): Promise<string> {
  const out = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  return out.CreateAccountStatus!.AccountId!;
}

/** Case 17's record, as a call in `account` by its operator: succeeded unless `errorCode`. */
function organizationsEvent(
  eventName: string,
  account: string,
  requestParameters: Record<string, unknown> | null,
  errorCode?: string,
): Envelope {
  const event = retargetAccounts(loadCase('17-stratus-organizations-leave').event, { '222222222222': account });
  event.detail.eventName = eventName;
  event.detail.requestParameters = requestParameters;
  event.detail.eventID = `${eventName}-${account}-${errorCode ?? 'ok'}`;
  if (errorCode) event.detail.errorCode = errorCode;
  else {
    delete event.detail.errorCode;
    delete event.detail.errorMessage;
  }
  return event;
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  inbox = await world.topicWithQueue(REGION, 'trailguard-alerts-i12b');
  org = await world.memberClient(OrganizationsClient, MANAGEMENT, REGION);
  organizationId = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
});

describe('LeaveOrganization and RemoveAccountFromOrganization (case 17)', () => {
  it('reports the failed attempt of case 17 as blocked, and the account is still in the organization', async () => {
    const member = await newMember('i12b-blocked');
    const handle = handlerFor();

    const result = await handle(organizationsEvent('LeaveOrganization', member, null, 'AccessDeniedException'));

    expect(result.outcome).toBe('blocked');
    const [alert] = await alertsOnTopic();
    expect(alert).toMatchObject({
      eventName: 'LeaveOrganization',
      account: member,
      outcome: 'blocked',
      resource: { type: 'account', name: member },
      callError: { code: 'AccessDeniedException' },
    });
  });

  it('alerts a successful leave as alert-only once the account itself reports no organization', async () => {
    const member = await newMember('i12b-left');
    // Moto has no LeaveOrganization: the management account's removal leaves the same world behind.
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: member }));
    const handle = handlerFor();

    const result = await handle(organizationsEvent('LeaveOrganization', member, null));

    expect(result.outcome).toBe('alert-only');
    const [alert] = await alertsOnTopic();
    expect(alert).toMatchObject({ outcome: 'alert-only', trail: null, resource: { type: 'account', name: member, restored: false } });
    expect(alert!.reason).toMatch(new RegExp(`account ${member} is out of the organization.*organization trails no longer log it`));
    expect(alert!.actions).toEqual(['DescribeOrganization']);
  });

  it('says so when the record claims a leave but the account still reports its organization', async () => {
    const member = await newMember('i12b-stayed');
    const handle = handlerFor();

    await handle(organizationsEvent('LeaveOrganization', member, null));

    const [alert] = await alertsOnTopic();
    expect(alert!.outcome).toBe('alert-only');
    expect(alert!.reason).toContain(`still reports organization ${organizationId} (management account ${MANAGEMENT})`);
  });

  it('alerts RemoveAccountFromOrganization made by the management account, naming the removed account', async () => {
    const member = await newMember('i12b-removed');
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: member }));
    const handle = handlerFor();

    const result = await handle(organizationsEvent('RemoveAccountFromOrganization', MANAGEMENT, { accountId: member }));

    expect(result.outcome).toBe('alert-only');
    const [alert] = await alertsOnTopic();
    expect(alert).toMatchObject({ account: MANAGEMENT, resource: { type: 'account', name: member } });
    expect(alert!.changes).toEqual([`account ${member} removed from the organization by ${MANAGEMENT}`]);
    expect(alert!.reason).toContain(`account ${member} is out of the organization`);
  });
});

describe('switching off organization trails', () => {
  it('alerts DisableAWSServiceAccess for CloudTrail, confirmed from the organization', async () => {
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'cloudtrail.amazonaws.com' }));
    await org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'cloudtrail.amazonaws.com' }));
    const handle = handlerFor();

    const result = await handle(
      organizationsEvent('DisableAWSServiceAccess', MANAGEMENT, { servicePrincipal: 'cloudtrail.amazonaws.com' }),
    );

    expect(result.outcome).toBe('alert-only');
    const [alert] = await alertsOnTopic();
    expect(alert).toMatchObject({ eventName: 'DisableAWSServiceAccess', resource: { type: 'organization', restored: false } });
    expect(alert!.reason).toMatch(
      /confirmed: CloudTrail is no longer a trusted service.*organization trails stop logging the member accounts/,
    );
  });

  it('does not alert DisableAWSServiceAccess for a service other than CloudTrail', async () => {
    const handle = handlerFor();

    const result = await handle(organizationsEvent('DisableAWSServiceAccess', MANAGEMENT, { servicePrincipal: 'config.amazonaws.com' }));

    expect(result.outcome).toBe('rejected');
    expect(await alertsOnTopic()).toEqual([]);
  });

  it('alerts DeregisterOrganizationDelegatedAdmin (a CloudTrail call), naming the account', async () => {
    const handle = handlerFor();
    const event = organizationsEvent('DeregisterOrganizationDelegatedAdmin', MANAGEMENT, { delegatedAdminAccountId: '670000000012' });
    event.detail.eventSource = 'cloudtrail.amazonaws.com';

    expect((await handle(event)).outcome).toBe('alert-only');
    const [alert] = await alertsOnTopic();
    expect(alert!.changes).toEqual(['account 670000000012 is no longer a CloudTrail delegated administrator']);
  });
});

describe("Organizations' own DeregisterDelegatedAdministrator", () => {
  it('alerts it for CloudTrail, naming the account, and not for another service', async () => {
    const handle = handlerFor();
    const call = (servicePrincipal: string) =>
      organizationsEvent('DeregisterDelegatedAdministrator', MANAGEMENT, { accountId: '670000000013', servicePrincipal });

    expect((await handle(call('cloudtrail.amazonaws.com'))).outcome).toBe('alert-only');
    expect((await handle(call('guardduty.amazonaws.com'))).outcome).toBe('rejected');

    const alerts = await alertsOnTopic();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      eventName: 'DeregisterDelegatedAdministrator',
      resource: { name: 'CloudTrail delegated administrator 670000000013' },
    });
  });
});

describe('the member forward rule with the default watch, on a real bus', () => {
  let events: EventBridgeClient;
  let matches: { sqs: SQSClient; url: string };

  beforeAll(async () => {
    events = await world.memberClient(EventBridgeClient, FORWARDING, REGION);
    const sqs = await world.memberClient(SQSClient, FORWARDING, REGION);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'forward-matches-i12b' }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: 'trailguard-forward', EventPattern: JSON.stringify(forwardPattern(WATCHED_EVENTS)) }));
    await events.send(new PutTargetsCommand({ Rule: 'trailguard-forward', Targets: [{ Id: 'matches', Arn: Attributes!.QueueArn! }] }));
    matches = { sqs, url: QueueUrl! };
  });

  async function forwarded(event: Envelope): Promise<boolean> {
    const out = await events.send(
      new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
    return (await receiveAll(matches.sqs, matches.url)).length > 0;
  }

  it.each([
    ['case 15 (StopEventDataStoreIngestion)', '15-lake-stop-event-data-store-ingestion'],
    ['case 17 (LeaveOrganization)', '17-stratus-organizations-leave'],
  ])('forwards %s as the case gives it', async (_label, id) => {
    expect(await forwarded(retargetAccounts(loadCase(id).event, { '222222222222': FORWARDING }))).toBe(true);
  });

  it('forwards an Organizations call under the source EventBridge gives it (aws.organizations)', async () => {
    const event = retargetAccounts(loadCase('17-stratus-organizations-leave').event, { '222222222222': FORWARDING });
    event.source = 'aws.organizations';
    expect(await forwarded(event)).toBe(true);
  });

  it('does not forward a watched name recorded by another service, nor an unwatched Organizations call', async () => {
    const event = retargetAccounts(loadCase('17-stratus-organizations-leave').event, { '222222222222': FORWARDING });
    event.detail.eventSource = 'cloudtrail.amazonaws.com';
    expect(await forwarded(event)).toBe(false);
    event.detail.eventSource = 'organizations.amazonaws.com';
    event.detail.eventName = 'DescribeOrganization';
    expect(await forwarded(event)).toBe(false);
  });
});
