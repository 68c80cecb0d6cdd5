// Sweep benchmark: a full sweep of 1,000 accounts x 4 regions with every AWS call answered after 50 ms, 10 workers
// (Lambda's MaximumConcurrency), through the real planner and worker; then what such a sweep costs on Lambda.
import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, type EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import pLimit from 'p-limit';
import { planSweep, sweepAccount, type SweepDeps } from '../lambda/sweep.js';
import type { StateTable, StatusItem } from '#core/aws/state-table.js';
import type { AccountSweepMessage } from '#core/sweep.js';
import { ratio } from './stats.js';

const LATENCY_MS = 50;
const BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard';
// Lambda prices, us-east-1, x86, as published on aws.amazon.com/lambda/pricing (2026): per GB-second and per request.
const PRICE_GB_SECOND = 0.0000166667;
const PRICE_PER_MILLION_REQUESTS = 0.2;
const MEMORY_MB = 256;
/** Calls that depend on each other within one account, whatever runs in parallel (see lambda/sweep.ts). */
const CHAIN = 6;
const SWEEPS_PER_MONTH = (30 * 24 * 60) / 15;

/**
 * The sweep over simulated AWS: every SDK call and every table call waits LATENCY_MS, and counts. The answers are a
 * healthy member (one logging trail per region, both rules in place, last canary back), so the figures are the
 * steady state every 15 minutes. Moto is not used: at 16,000 account-regions it would measure moto, not TrailGuard.
 */
export async function benchSweep(
  accountCount = Number(process.env.BENCH_SWEEP_ACCOUNTS ?? 1000),
  regionCount = 4,
  workers = 10,
): Promise<string[]> {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'].slice(0, regionCount);
  const members = Array.from({ length: accountCount }, (_, i) => String(700000000000 + i));
  let calls = 0;
  let inFlight = 0;
  let peak = 0;
  const later = async <T>(value: T): Promise<T> => {
    calls++;
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    inFlight--;
    return value;
  };
  // Clients that answer as a healthy member's region would, after LATENCY_MS: one logging trail, both rules, the canary put.
  const cloudtrailIn = (account: string, region: string) =>
    ({
      send: (command: object) => {
        if (command instanceof ListTrailsCommand)
          return later({ Trails: [{ TrailARN: trail(account, region), HomeRegion: region, Name: 'audit' }] });
        if (command instanceof DescribeTrailsCommand)
          return later({ trailList: [{ TrailARN: trail(account, region), Name: 'audit', HomeRegion: region, IsMultiRegionTrail: false }] });
        if (command instanceof GetTrailStatusCommand) return later({ IsLogging: true });
        if (command instanceof GetEventSelectorsCommand)
          return later({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
        throw new Error(`unexpected ${command.constructor.name}`);
      },
    }) as unknown as CloudTrailClient;
  const eventsIn = () =>
    ({
      send: (command: object) => {
        if (command instanceof DescribeRuleCommand) return later({ State: 'ENABLED' });
        if (command instanceof ListTargetsByRuleCommand) return later({ Targets: [{ Id: 'trailguard-central-bus', Arn: BUS }] });
        if (command instanceof PutEventsCommand) return later({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
        throw new Error(`unexpected ${command.constructor.name}`);
      },
    }) as unknown as EventBridgeClient;
  const trail = (account: string, region: string) => `arn:aws:cloudtrail:${region}:${account}:trail/audit`;
  const status = new Map<string, StatusItem>();
  const state = {
    recordCanary: async () => later(undefined),
    canary: async () => later({ lastSeenAt: new Date().toISOString(), eventId: 'e', sentAt: new Date().toISOString() }),
    status: async (a: string, r: string) => later(status.get(`${a}#${r}`) ?? null),
    putStatus: async (item: StatusItem) => later(void status.set(`${item.account}#${item.region}`, item)),
    findings: async () => later([]),
    putFinding: async () => later(undefined),
    startSweep: async () => later(undefined),
    finishAccount: async () => later(undefined),
  } as unknown as StateTable;
  const queued: AccountSweepMessage[] = [];
  const deps: SweepDeps = {
    settings: {
      topicArn: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
      topicRegion: 'us-east-1',
      remediationRole: 'TrailGuardRemediator',
      eventDataStores: [],
      externalId: null,
      allow: [],
      trails: [],
      organization: null,
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => new Date(),
    cloudtrail: async (account, region) => cloudtrailIn(account, region),
    events: async () => eventsIn(),
    publish: async () => later('m'),
    state,
    members: async () => members,
    enqueue: async (messages) => void queued.push(...messages),
    sweep: { regions, centralBusArn: BUS, canaryGraceMs: 60_000 },
  };
  const started = performance.now();
  const plan = await planSweep(deps, 'bench');
  const atOnce = pLimit(workers);
  const durations: number[] = [];
  await Promise.all(
    queued.map((message) =>
      atOnce(async () => {
        const from = performance.now();
        await sweepAccount(message, deps);
        durations.push(performance.now() - from);
      }),
    ),
  );
  const wallMs = performance.now() - started;

  const accountRegions = plan.accounts * regions.length;
  const perAccountRegion = calls / accountRegions;
  const perWorkerInFlight = Math.round(peak / workers);
  const boundMs = (calls * LATENCY_MS) / (workers * perWorkerInFlight);
  const meanInvocationS = durations.reduce((a, b) => a + b, 0) / durations.length / 1000;
  const requests = plan.accounts + 1;
  const gbSeconds = (meanInvocationS * plan.accounts + 1) * (MEMORY_MB / 1024);
  const sweepCost = gbSeconds * PRICE_GB_SECOND + (requests / 1e6) * PRICE_PER_MILLION_REQUESTS;
  return [
    `Full sweep, ${plan.accounts} accounts x ${regions.length} regions, ${LATENCY_MS} ms per AWS call, ${workers} workers: ${(wallMs / 1000).toFixed(1)} s (goal < 60 s)`,
    `AWS calls: ${calls} in all, ${perAccountRegion.toFixed(2)} per account-region (healthy: DescribeTrails, GetTrailStatus, GetEventSelectors, 2 DescribeRule, 2 ListTargetsByRule, PutEvents, 2 state reads, findings query, snapshot write; plus ListTrails and the done counter per account)`,
    `In flight: peak ${peak} requests, ${perWorkerInFlight} per worker; latency bound calls x latency / (workers x in-flight per worker) = ${(boundMs / 1000).toFixed(1)} s; ratio ${ratio(wallMs, boundMs)} (goal <= 1.3)`,
    `Worker invocation: mean ${meanInvocationS.toFixed(2)} s per account, ${((meanInvocationS * 1000) / LATENCY_MS).toFixed(1)} calls deep; ` +
      `the chain no parallelism can shorten is ${CHAIN} calls (DescribeTrails, GetTrailStatus, GetEventSelectors, findings query, snapshot write, done counter), ` +
      `so the dependency bound is accounts / workers x ${CHAIN} x latency = ${((Math.ceil(plan.accounts / workers) * CHAIN * LATENCY_MS) / 1000).toFixed(1)} s; ` +
      `ratio ${ratio(wallMs, Math.ceil(plan.accounts / workers) * CHAIN * LATENCY_MS)}`,
    `Lambda cost per sweep at ${MEMORY_MB} MB: ${requests} requests (planner + one per account), ${gbSeconds.toFixed(1)} GB-s; $${sweepCost.toFixed(5)} ` +
      `(prices: $${PRICE_GB_SECOND} per GB-s, $${PRICE_PER_MILLION_REQUESTS} per million requests, us-east-1 x86)`,
    `Per month at 15-minute sweeps (${SWEEPS_PER_MONTH} sweeps): ${(requests * SWEEPS_PER_MONTH).toLocaleString('en-US')} requests, ` +
      `${(gbSeconds * SWEEPS_PER_MONTH).toFixed(0)} GB-s, $${(sweepCost * SWEEPS_PER_MONTH).toFixed(2)} before the free tier ` +
      '(SQS, DynamoDB on-demand, EventBridge PutEvents and CloudTrail reads are billed separately)',
  ];
}
