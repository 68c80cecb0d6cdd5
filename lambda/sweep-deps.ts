// The sweep's real dependencies in the remediator Lambda, from its environment (written by `apply`).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { ACCOUNT_ID } from '#core/arn.js';
import { DEFAULT_CANARY_GRACE_SECONDS } from '#core/config.js';
import { createClient, type ClientOptions } from '#core/aws/clients.js';
import { StateTable } from '#core/aws/state-table.js';
import { NAMES } from '#core/names.js';
import { SWEEP_NAMES, type AccountSweepMessage } from '#core/sweep.js';
import { loadPipelineEnvironment } from './guard.js';
import type { HandlerDeps } from './remediator.js';
import type { SweepDeps } from './sweep.js';

/**
 * `TRAILGUARD_SWEEP`: who the planner sweeps. `members` is the account list, or `organization` for every ACTIVE account
 * Organizations `ListAccounts` returns (the central account must be the management account or a delegated
 * administrator), minus `exclude`. `canaryGraceSeconds`: how long a canary has to arrive before a sweep judges it.
 */
export const SweepEnvironmentSchema = z.strictObject({
  members: z.union([z.literal('organization'), z.array(z.string().regex(ACCOUNT_ID))]),
  exclude: z.array(z.string().regex(ACCOUNT_ID)).default([]),
  canaryGraceSeconds: z.number().int().min(0).max(3600).default(DEFAULT_CANARY_GRACE_SECONDS),
  /** `sweep.schedule`: the planner alerts a previous sweep older than twice it. Absent (older deployments): not checked. */
  schedule: z.string().min(1).max(256).nullable().optional(),
});
export type SweepEnvironment = z.output<typeof SweepEnvironmentSchema>;

/** How long a container keeps the Organization's member list. */
const MEMBERS_TTL_MS = 5 * 60_000;

/** Reads `TRAILGUARD_SWEEP`; throws naming the variable and the path of the bad field. */
export function loadSweepEnvironment(env: NodeJS.ProcessEnv): SweepEnvironment {
  let value: unknown;
  try {
    value = JSON.parse(env.TRAILGUARD_SWEEP ?? '');
  } catch {
    throw new Error('TRAILGUARD_SWEEP: expected JSON (apply writes it when the sweep is configured)');
  }
  const result = SweepEnvironmentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`TRAILGUARD_SWEEP.${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}

/** Sends account messages to `queueUrl`, ten per SendMessageBatch; throws naming the first message SQS refused. */
export async function sendSweepMessages(sqs: SQSClient, queueUrl: string, messages: AccountSweepMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
      }),
    );
    const failed = out.Failed?.[0];
    if (failed)
      throw new Error(
        `SendMessageBatch to ${queueUrl} refused ${batch[Number(failed.Id)]?.account}: ${failed.Code} ${failed.Message ?? ''}`,
      );
  }
}

/** Real sweep dependencies: the handler's CloudTrail access and publisher, the guard's EventBridge clients, the table and queue. */
export function createDefaultSweepDeps(
  deps: HandlerDeps,
  env: NodeJS.ProcessEnv,
  options: { events: SweepDeps['events']; clientOptions?: Partial<ClientOptions> },
): SweepDeps {
  const sweepEnv = loadSweepEnvironment(env);
  const pipeline = loadPipelineEnvironment(env);
  if (!pipeline) throw new Error('TRAILGUARD_PIPELINE: required by the sweep (the watched regions)');
  const [, partition, , region, account] = deps.settings.topicArn.split(':');
  const home = region!;
  const base = { ...options.clientOptions, region: home };
  const state = new StateTable(createClient(DynamoDBClient, base), env.TRAILGUARD_STATE_TABLE ?? SWEEP_NAMES.table);
  const sqs = createClient(SQSClient, base);
  let queueUrl: Promise<string> | undefined;
  let organizationMembers: { at: number; list: Promise<string[]> } | undefined;
  return {
    ...deps,
    state,
    events: options.events,
    sweep: {
      regions: pipeline.regions,
      centralBusArn: `arn:${partition}:events:${home}:${account}:event-bus/${NAMES.bus}`,
      canaryGraceMs: sweepEnv.canaryGraceSeconds * 1000,
      watch: pipeline.watch,
      ...(sweepEnv.schedule !== undefined ? { schedule: sweepEnv.schedule } : {}),
    },
    members() {
      const exclude = new Set(sweepEnv.exclude);
      if (Array.isArray(sweepEnv.members)) return Promise.resolve(sweepEnv.members.filter((m) => !exclude.has(m)));
      // Every worker that sees an organization trail asks (one member reads those of an unswept owner): one
      // ListAccounts walk per container every few minutes, not one per account swept.
      const now = Date.now();
      if (!organizationMembers || now - organizationMembers.at > MEMBERS_TTL_MS) {
        const list = (async () => {
          const organizations = createClient(OrganizationsClient, base);
          const out: string[] = [];
          for await (const page of paginateListAccounts({ client: organizations }, {})) {
            for (const a of page.Accounts ?? []) if (a.Id && a.State === 'ACTIVE' && !exclude.has(a.Id)) out.push(a.Id);
          }
          return out;
        })();
        const entry = { at: now, list };
        list.catch(() => {
          if (organizationMembers === entry) organizationMembers = undefined;
        });
        organizationMembers = entry;
      }
      return organizationMembers.list;
    },
    async enqueue(messages) {
      queueUrl ??= sqs
        .send(new GetQueueUrlCommand({ QueueName: SWEEP_NAMES.queue, QueueOwnerAWSAccountId: account }))
        .then((o) => o.QueueUrl!);
      await sendSweepMessages(sqs, await queueUrl, messages);
    },
  };
}
