// trailguard-state in memory, with the semantics of src/core/aws/state-table.ts the sweep relies on (for unit tests).
import type { StateTable, StatusItem, SweepItem } from '#core/aws/state-table.js';
import type { CanaryArrival, FindingItem } from '#core/sweep.js';
import type { SweepDeps } from '../../lambda/sweep.js';

/** The remediator settings a sweep worker test starts from: one central account's topic, no baseline, no allow-list. */
export function sweepSettings(overrides: Partial<SweepDeps['settings']> = {}): SweepDeps['settings'] {
  return {
    topicArn: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
    topicRegion: 'us-east-1',
    eventDataStores: [],
    remediationRole: 'TrailGuardRemediator',
    externalId: null,
    allow: [],
    trails: [],
    organization: null,
    ...overrides,
  };
}

export function memoryState() {
  const findings = new Map<string, FindingItem>();
  const status = new Map<string, StatusItem>();
  const canaries = new Map<string, { lastSeenAt: string; eventId: string; sentAt: string }>();
  let latest: SweepItem | null = null;
  const table = {
    items: { findings, status, canaries },
    async recordCanary(a: CanaryArrival, now: Date) {
      canaries.set(`${a.account}#${a.region}`, { lastSeenAt: now.toISOString(), eventId: a.eventId, sentAt: a.sentAt });
    },
    async canary(account: string, region: string) {
      return canaries.get(`${account}#${region}`) ?? null;
    },
    async status(account: string, region: string) {
      return status.get(`${account}#${region}`) ?? null;
    },
    async putStatus(item: StatusItem) {
      status.set(`${item.account}#${item.region}`, item);
    },
    async findings(account: string, region: string) {
      return [...findings.values()].filter((f) => f.key.startsWith(`${account}#${region}#`));
    },
    async putFinding(item: FindingItem) {
      findings.set(item.key, item);
    },
    async startSweep(item: Omit<SweepItem, 'findings' | 'done' | 'finishedAt'>) {
      latest = { ...item, findings: 0, done: 0 };
    },
    async latestSweep() {
      return latest;
    },
    setLatest(item: SweepItem | null) {
      latest = item;
    },
    async finishAccount() {},
  };
  return table as typeof table & Pick<StateTable, 'tableName'>;
}
