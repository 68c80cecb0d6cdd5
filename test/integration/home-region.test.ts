// Case 18 on moto (a copy of ../shared/cases/18-cli-trail-home-region-unwatched.json in test/fixtures/cases): a member trail homed in a region without a forwarding rule. Its tampering can never be seen, so
// status, plan and apply must fail naming the trail and the region; `members.regions: auto` covers it.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '430000000000';
const MEMBER = '430000000001';
const CASE = JSON.parse(
  readFileSync(
    join(fileURLToPath(new URL('../fixtures/cases/', import.meta.url)), '18-cli-trail-home-region-unwatched.json'),
    'utf8',
  ).replaceAll('222222222222', MEMBER),
) as {
  setup: { trails: { region: string; name: string; bucket: string; isMultiRegionTrail: boolean }[]; config: { centralRegion: string } };
  event: { source: string; 'detail-type': string; detail: Record<string, unknown> };
};
const TRAIL = CASE.setup.trails[0]!;
let world: MotoWorld;
let dir: string;

/** trailguard.yml of the case: central region eu-west-1, members.regions as given (unset: its default). */
function writeConfig(name: string, regions?: string): string {
  const path = join(dir, name);
  const lines = [
    'version: 1',
    `central: { account: "${CENTRAL}", region: ${CASE.setup.config.centralRegion} }`,
    'members:',
    `  accounts: [ { id: "${MEMBER}", name: workloads } ]`,
    ...(regions ? [`  regions: ${regions}`] : []),
    'remediator: { delivery: queue }',
    '',
  ];
  writeFileSync(path, lines.join('\n'));
  return path;
}

async function trailguard(config: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--config', config], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    tty: false,
    env: process.env,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  dir = mkdtempSync(join(tmpdir(), 'tg-home-'));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: world.endpoint,
    AWS_ACCESS_KEY_ID: CENTRAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CENTRAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'eu-west-1',
  });
  // The case's world: a multi-region trail created in us-east-1 (by Control Tower or the console), logging.
  await world.createLoggingTrail(MEMBER, TRAIL.region, TRAIL.name, TRAIL.bucket, TRAIL.isMultiRegionTrail);
});

describe('a member trail whose home region has no forwarding rule (case 18)', () => {
  it('apply, status and plan all fail, naming the trail and its home region', async () => {
    const config = writeConfig('default-regions.yml');

    const apply = await trailguard(config, 'apply');
    const status = await trailguard(config, 'status');
    const plan = await trailguard(config, 'plan');
    const json = JSON.parse((await trailguard(config, 'plan', '--json')).stdout) as { drift: boolean; uncovered: unknown[] };

    const why = `${MEMBER} us-east-1: trail ${TRAIL.name} lives in us-east-1, which has no trailguard-forward rule`;
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(why);
    expect(apply.stdout).toMatch(
      new RegExp(
        `${MEMBER}\\s+workloads\\s+us-east-1\\s+uncovered\\s+trail ${TRAIL.name} \\(arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/${TRAIL.name}\\)`,
      ),
    );
    expect(status.code).not.toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `${MEMBER}\\s+workloads\\s+us-east-1\\s+${TRAIL.name} \\(all regions\\)\\s+yes\\s+.*not watched: no trailguard-forward rule in us-east-1`,
      ),
    );
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(why);
    expect(json).toMatchObject({
      drift: true,
      uncovered: [
        { account: MEMBER, region: 'us-east-1', trail: TRAIL.name, arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/${TRAIL.name}` },
      ],
    });
  });

  it('with members.regions: auto, apply adds the home region, the tamper call is forwarded, and status is healthy', async () => {
    const config = writeConfig('auto.yml', 'auto');

    const plan = await trailguard(config, 'plan');
    const apply = await trailguard(config, 'apply');
    const status = await trailguard(config, 'status');
    const after = await trailguard(config, 'plan');

    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(new RegExp(`${MEMBER}\\s+workloads\\s+us-east-1\\s+drift\\s+event-rule trailguard-forward: create`));
    expect(plan.stdout, 'a plan lists each change once, not again as drift left after apply').not.toContain('still drifting');
    expect(apply.code, apply.stderr).toBe(0);
    expect(status.code, status.stdout).toBe(0);
    expect(after.code, after.stderr).toBe(0);

    // The attacker's StopLogging is recorded in us-east-1; the member's rule there now forwards it to the central bus.
    const events = await world.memberClient(EventBridgeClient, MEMBER, 'us-east-1');
    const put = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: CASE.event.source, DetailType: CASE.event['detail-type'], Detail: JSON.stringify(CASE.event.detail) }],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const sqs = await world.memberClient(SQSClient, CENTRAL, 'eu-west-1');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-events' }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
    expect(Messages.map((m) => (JSON.parse(m.Body!) as { detail: { eventID: string } }).detail.eventID)).toContain(
      CASE.event.detail.eventID,
    );
  });
});
