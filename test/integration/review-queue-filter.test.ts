// Review r2 on moto: with `delivery: queue`, a FilterCriteria on the remediator's event source mapping makes Lambda
// delete every message it does not match without invoking the remediator. Plan used to read the mapping as ok.
import { LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '520000000200';
const MEMBER = '520000000201';
let world: MotoWorld;
const code = loadRemediatorCode();

function run(mode: Mode) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(8),
  });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
    remediator: { delivery: 'queue' },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  const first = await run('apply');
  expect(first.errors).toEqual([]);
  expect(first.drift).toBe(false);
});

describe('review: event source mapping filters', () => {
  it('a filter that matches nothing is drift, and apply removes it', async () => {
    const lambda = await world.memberClient(LambdaClient, CENTRAL, 'us-east-1');
    const [mapping] =
      (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'trailguard-remediator' }))).EventSourceMappings ?? [];
    await lambda.send(
      new UpdateEventSourceMappingCommand({
        UUID: mapping!.UUID!,
        FilterCriteria: { Filters: [{ Pattern: '{"body":{"nothing":["matches"]}}' }] },
      }),
    );
    const seen = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'trailguard-remediator' })))
      .EventSourceMappings?.[0];
    expect(seen?.FilterCriteria?.Filters).toHaveLength(1);

    const plan = await run('plan');
    expect(plan.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)).toEqual([
      expect.stringMatching(/^event-source-mapping .*: update: filterCriteria$/),
    ]);

    const apply = await run('apply');
    expect(apply.drift).toBe(false);
    const after = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'trailguard-remediator' })))
      .EventSourceMappings?.[0];
    expect(after?.FilterCriteria?.Filters ?? []).toEqual([]);
  });
});
