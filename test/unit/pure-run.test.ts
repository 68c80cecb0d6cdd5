// The run's and status's decisions as pure functions: what was read in, rows and verdicts out, no AWS and no mocks.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { desiredState, type Resource } from '#core/desired-state.js';
import { buildReport, groupBy, summarizeRead, type AccountState, type RunResults } from '#core/pipeline.js';
import { planChanges, type Observed } from '#core/plan.js';
import { accountStatusRows, NO_TRAIL, trailsToRead, type RegionTrails } from '#core/status.js';

const CENTRAL = '111111111111';
const MEMBER = '222222222222';
const arn = (account: string, region: string, name: string) => `arn:aws:cloudtrail:${region}:${account}:trail/${name}`;

describe('trail status rows', () => {
  const target = { account: MEMBER, name: 'payments' };

  it('reads a multi-region trail once, covers every region with it, and keeps a region that failed as an error row', () => {
    const org = { Name: 'org-audit', TrailARN: arn(MEMBER, 'us-east-1', 'org-audit'), HomeRegion: 'us-east-1', IsMultiRegionTrail: true };
    const perRegion: RegionTrails[] = [
      { region: 'us-east-1', trails: [org], error: null },
      { region: 'eu-west-1', trails: [org], error: null },
      { region: 'ap-south-1', trails: [], error: 'AccessDenied: not authorized' },
    ];

    const toRead = trailsToRead(perRegion);
    const rows = accountStatusRows(
      target,
      perRegion,
      [{ trail: toRead[0]!, reading: { status: { isLogging: false, latestDeliveryTime: null, latestDeliveryError: null } } }],
      ['us-east-1', 'eu-west-1'],
    );

    expect(toRead.map((t) => t.arn)).toEqual([org.TrailARN]);
    expect(rows.map((r) => [r.region, r.trail, r.isLogging, r.error])).toEqual([
      ['us-east-1', 'org-audit', false, null],
      ['ap-south-1', null, null, 'AccessDenied: not authorized'],
    ]);
  });

  it("marks a gap, and marks only the account's own trail homed outside the watched regions as uncovered", () => {
    const own = { name: 'legacy', arn: arn(MEMBER, 'ap-south-1', 'legacy'), homeRegion: 'ap-south-1' };
    const foreign = { name: 'org-trail', arn: arn(CENTRAL, 'sa-east-1', 'org-trail'), homeRegion: 'sa-east-1' };
    const perRegion: RegionTrails[] = [{ region: 'eu-west-1', trails: [], error: null }];
    const ok = { status: { isLogging: true, latestDeliveryTime: '2026-11-29T12:00:00.000Z', latestDeliveryError: null } };

    const rows = accountStatusRows(
      target,
      perRegion,
      trailsToRead(perRegion, [own, foreign]).map((trail) => ({ trail, reading: ok })),
      ['eu-west-1'],
    );

    expect(rows.map((r) => [r.region, r.trail ?? r.error, r.uncovered ? 'uncovered' : 'watched'])).toEqual([
      ['ap-south-1', 'legacy', 'uncovered'],
      ['sa-east-1', 'org-trail', 'watched'],
      ['eu-west-1', NO_TRAIL, 'watched'],
    ]);
  });
});

describe('buildReport', () => {
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER, name: 'payments' }], regions: ['us-east-1'] },
  });
  const desired = desiredState(config, { members: [MEMBER], codeSha256: 'sha' });
  const byAccount = groupBy(desired, (r: Resource) => r.account);
  const nothingExists = (resources: Resource[]): AccountState => ({
    observed: new Map(resources.map((r) => [r.key, { exists: false } as Observed])),
    extraneous: [],
    errors: new Map(),
  });
  const results = (over: Partial<RunResults>): RunResults => ({
    mode: 'plan',
    config,
    members: { ids: [MEMBER], names: new Map([[MEMBER, 'payments']]) },
    regions: ['us-east-1'],
    byAccount,
    reads: new Map([...byAccount].map(([id, resources]) => [id, summarizeRead(config, resources, nothingExists(resources))])),
    made: new Map(),
    applyErrors: new Map(),
    remaining: new Map(),
    discovery: { trails: new Map(), errors: new Map() },
    durationMs: 5,
    ...over,
  });

  it('a plan of an empty organization is drift in every account-region, with the central account named central', () => {
    const report = buildReport(results({}));

    expect(report.drift).toBe(true);
    expect(new Set(report.rows.map((r) => `${r.name} ${r.status}`))).toEqual(new Set(['central drift', 'payments drift']));
    expect(report.changes.every((c) => c.action === 'create')).toBe(true);
  });

  it('an apply whose member write failed is an error row and drift; the central account that converged is created', () => {
    const central = byAccount.get(CENTRAL)!;
    const made = planChanges(central, nothingExists(central).observed);
    const report = buildReport(
      results({
        mode: 'apply',
        made: new Map([[CENTRAL, made]]),
        applyErrors: new Map([[MEMBER, new Map([['global', 'create iam-role trailguard-forwarder: AccessDenied']])]]),
      }),
    );

    expect(report.rows.filter((r) => r.account === CENTRAL).every((r) => r.status === 'created')).toBe(true);
    expect(report.errors).toEqual([{ account: MEMBER, region: 'global', message: 'create iam-role trailguard-forwarder: AccessDenied' }]);
    expect(report.drift).toBe(true);
  });
});
