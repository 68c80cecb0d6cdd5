// Review rv2: the deploy role's UpdateSchedule passes silently when it leaves the sweep schedule "enabled and
// targeting trailguard-sweep", and nothing else is compared. Whoever holds the deploy role (a workflow on the default
// branch, or its stolen OIDC session) can keep both and still stop every sweep: a schedule expression that never fires
// (`cron(0 0 1 1 ? 2099)`: a non-wildcard cron, which the planner's gap check does not bound either), an EndDate a
// minute away, a StartDate years away, or an Input the planner rejects (each message then ends in
// trailguard-sweep-dlq). No planner runs, so no gap alert; no worker, so no canary. The README's bar for rules is that
// the deploy role "still cannot delete, disable or retarget a rule unseen"; the schedule should meet it too.
// Fixed: the deploy role's call is `ignored` only when it also sets the configured expression (TRAILGUARD_SWEEP's
// schedule), no EndDate, no future StartDate, and (when the record carries them) the planner's input and the
// scheduler role; anything else is pipeline-tampered as for anyone.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineEnvironment } from '../../lambda/guard.js';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { parseAlert, type PipelineAlert } from '#core/alert.js';
import { validateConfig } from '#core/config.js';
import { remediatorEnvironment } from '#core/desired-state.js';
import { recordingLog } from '../support/recording-log.js';

const CENTRAL = '111111111111';
const REGION = 'us-east-1';
const SWEEP_QUEUE = `arn:aws:sqs:${REGION}:${CENTRAL}:trailguard-sweep`;
const sns = mockClient(SNSClient);
const raw = {
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: '222222222222' }], regions: [REGION] },
};
const config = validateConfig(raw);

/** The CloudTrail record of an EventBridge Scheduler call in the central account, as its default bus receives it. */
function scheduleEvent(
  eventName: 'UpdateSchedule' | 'DeleteSchedule',
  o: { role?: string; params?: Record<string, unknown>; name?: string } = {},
) {
  const role = o.role ?? 'AdminAccess';
  const name = o.name ?? 'trailguard-sweep';
  return {
    version: '0',
    id: 'ev-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.scheduler',
    account: CENTRAL,
    time: '2026-11-20T10:01:00Z',
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${CENTRAL}:assumed-role/${role}/jdoe`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${CENTRAL}:role/${role}` } },
      },
      eventTime: '2026-11-20T10:01:00Z',
      eventSource: 'scheduler.amazonaws.com',
      eventName,
      awsRegion: REGION,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.22.4',
      requestParameters:
        eventName === 'DeleteSchedule'
          ? { name, groupName: 'default', ...o.params }
          : {
              name,
              groupName: 'default',
              scheduleExpression: 'rate(15 minutes)',
              state: 'DISABLED',
              target: { arn: SWEEP_QUEUE, roleArn: `arn:aws:iam::${CENTRAL}:role/trailguard-sweep-scheduler` },
              ...o.params,
            },
      eventID: 'cafe-1',
      recipientAccountId: CENTRAL,
    },
  };
}

function handler() {
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, ...remediatorEnvironment(config, ['222222222222']) },
    log: recordingLog(),
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  // No EventBridge call is expected for a schedule: a client that is never answered would show one.
  const guard = {
    pipeline: loadPipelineEnvironment(remediatorEnvironment(config)),
    events: async () => new EventBridgeClient({ region: REGION }),
  };
  const handle = createHandler(() => ({ ...deps, guard }));
  return (event: unknown) => handle(event) as Promise<{ outcome: string }>;
}
const published = () => sns.commandCalls(PublishCommand).map((c) => parseAlert(c.args[0].input.Message!) as PipelineAlert);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('review rv2: the deploy role changing the sweep schedule but keeping it enabled and targeted', () => {
  const DEPLOY = 'OrganizationAccountAccessRole';
  it.each([
    ['an expression that never fires', { state: 'ENABLED', scheduleExpression: 'cron(0 0 1 1 ? 2099)' }],
    ['a rate of a year', { state: 'ENABLED', scheduleExpression: 'rate(365 days)' }],
    ['an end date', { state: 'ENABLED', endDate: '2026-11-20T10:02:00Z' }],
    ['a start date years away', { state: 'ENABLED', startDate: '2099-01-01T00:00:00Z' }],
    [
      'an input the planner rejects',
      {
        state: 'ENABLED',
        target: { arn: SWEEP_QUEUE, roleArn: `arn:aws:iam::${CENTRAL}:role/trailguard-sweep-scheduler`, input: '{"trailguard":"off"}' },
      },
    ],
  ])('%s is pipeline-tampered, not ignored', async (_label, params) => {
    const result = await handler()(scheduleEvent('UpdateSchedule', { role: DEPLOY, params }));
    expect(result.outcome).toBe('pipeline-tampered');
    expect(published()).toHaveLength(1);
  });

  it("(control) apply's own UpdateSchedule back to the configured schedule is still ignored", async () => {
    const result = await handler()(
      scheduleEvent('UpdateSchedule', {
        role: DEPLOY,
        params: {
          state: 'ENABLED',
          target: {
            arn: SWEEP_QUEUE,
            roleArn: `arn:aws:iam::${CENTRAL}:role/trailguard-sweep-scheduler`,
            input: '{"trailguard":"sweep","action":"plan"}',
          },
        },
      }),
    );
    expect(result.outcome).toBe('ignored');
    expect(published()).toEqual([]);
  });
});
