import { describe, expect, it } from 'vitest';
import type { Change } from '#core/plan.js';
import type { PipelineReport, Row } from '#core/pipeline.js';
import { COMMENT_LIMIT, COMMENT_MARKER, failureMessage, renderComment, renderSummary, renderTable } from '../../src/action/report.js';

const change = (account: string, region: string): Change => ({
  key: `${account}/${region}/event-rule/trailguard-forward`,
  account,
  region,
  kind: 'event-rule',
  name: 'trailguard-forward',
  action: 'create',
  reason: 'create',
  fields: [],
});
const row = (account: string, region: string, status: Row['status'], extra: Partial<Row> = {}): Row => ({
  account,
  name: `n-${account}`,
  region,
  status,
  changes: [],
  remaining: [],
  errors: [],
  uncovered: [],
  ...extra,
});
const report = (rows: Row[], extra: Partial<PipelineReport> = {}): PipelineReport => ({
  mode: 'plan',
  central: { account: '111111111111', region: 'us-east-1' },
  members: [],
  regions: ['us-east-1'],
  rows,
  changes: rows.flatMap((r) => r.changes),
  conflicts: [],
  drift: rows.some((r) => r.changes.length > 0),
  errors: [],
  uncovered: [],
  deadLetters: [],
  durationMs: 1234,
  ...extra,
});

describe('report rendering', () => {
  it('summarises with a row per account and region and the reason of each change', () => {
    const text = renderSummary(
      report([
        row('222222222222', 'us-east-1', 'drift', { changes: [change('222222222222', 'us-east-1')] }),
        row('222222222222', 'eu-west-1', 'ok'),
      ]),
    );

    expect(text).toContain('⚠️ drift: 1 change planned, 1 account, 2 account-regions (1.2 s)');
    expect(text).toContain('| 222222222222 (n-222222222222) | us-east-1 | ⚠️ drift | `event-rule trailguard-forward` create |');
    expect(text).toContain('| 222222222222 (n-222222222222) | eu-west-1 | ✅ ok |  |');
  });

  it('lists only rows needing attention in a large organization, counting the rest', () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      row(String(300000000000 + i), 'us-east-1', i === 7 ? 'error' : 'ok', i === 7 ? { errors: ['AccessDenied | x'] } : {}),
    );

    const table = renderTable(report(rows));

    expect(table.split('\n')).toHaveLength(2 + 1 + 2);
    expect(table).toContain('AccessDenied \\| x');
    expect(table).toContain('299 account-regions ok, not listed.');
  });

  it('marks the PR comment and keeps it under GitHub’s limit, saying what was left out', () => {
    const rows = Array.from({ length: 2000 }, (_, i) =>
      row(String(300000000000 + i), 'us-east-1', 'drift', { changes: [change(String(300000000000 + i), 'us-east-1')] }),
    );

    const body = renderComment(report(rows), 'https://github.example/run/1');

    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/… \d+ more lines left out \(GitHub's comment limit\)/);
    expect(body).toContain('[Workflow run](https://github.example/run/1)');
  });

  it('names each failure, and drift left after apply', () => {
    const remaining = change('222222222222', 'us-east-1');
    const failed = report([row('222222222222', 'us-east-1', 'drift', { remaining: [remaining] })], {
      mode: 'apply',
      errors: [
        { account: '333333333333', region: 'global', message: 'AccessDenied assuming OrganizationAccountAccessRole in 333333333333: no' },
      ],
    });

    expect(failureMessage(failed)).toBe(
      'TrailGuard apply failed for 2 items:\n- 333333333333 global: AccessDenied assuming OrganizationAccountAccessRole in 333333333333: no\n- 222222222222 us-east-1: `event-rule trailguard-forward` create still drifting after apply',
    );
    expect(failureMessage(report([row('222222222222', 'us-east-1', 'ok')]))).toBeNull();
  });

  it('says why a run failed above the table, a line per unprotected account-region: conflicts and uncovered trails included', () => {
    const conflict: Change = { ...change('222222222222', 'us-east-1'), action: 'conflict', reason: 'conflict: not managed by TrailGuard' };
    const uncovered = {
      account: '222222222222',
      region: 'ap-south-1',
      trail: 'org-audit',
      arn: 'arn:aws:cloudtrail:ap-south-1:222222222222:trail/org-audit',
    };
    const failed = report(
      [
        row('222222222222', 'us-east-1', 'conflict', { changes: [conflict] }),
        row('222222222222', 'ap-south-1', 'uncovered', { uncovered: [uncovered] }),
      ],
      { changes: [], conflicts: [conflict], uncovered: [uncovered], drift: true },
    );

    const summary = renderSummary(failed);
    const comment = renderComment(failed);

    const why = [
      '**Why it failed: 2 account-regions are not protected**',
      '',
      '- 222222222222 us-east-1: event-rule trailguard-forward exists without the trailguard:managed=true tag: TrailGuard never changes it, so this account-region is not protected; delete it or tag it',
      '- 222222222222 ap-south-1: trail org-audit lives in ap-south-1, which has no trailguard-forward rule: StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors on it are made there and never seen; add ap-south-1 to members.regions, or set members.regions: auto',
    ].join('\n');
    expect(summary).toContain(
      `## TrailGuard plan\n\n❌ failed: 0 changes planned, 1 account, 2 account-regions, 1 conflict, 1 uncovered trail (1.2 s)\n\n${why}\n\n| Account |`,
    );
    expect(comment).toContain(`❌ failed: 0 changes planned`);
    expect(comment.indexOf(why)).toBeLessThan(comment.indexOf('| Account |'));
    expect(summary).toContain(
      '| 222222222222 (n-222222222222) | ap-south-1 | 🕳️ uncovered | trail org-audit (arn:aws:cloudtrail:ap-south-1:222222222222:trail/org-audit): no trailguard-forward rule in ap-south-1, its tampering is never seen |',
    );
    expect(failureMessage(failed)).toBe(`TrailGuard plan failed for 2 items:\n${why.split('\n').slice(2).join('\n')}`);
  });

  it('lists at most ten reasons above the table, counting the rest', () => {
    const errors = Array.from({ length: 12 }, (_, i) => ({ account: String(300000000000 + i), region: 'global', message: 'AccessDenied' }));

    const summary = renderSummary(report([], { errors, drift: true }));

    expect(summary).toContain('- 300000000009 global: AccessDenied\n- … and 2 more (see the table)');
    expect(summary).not.toContain('300000000010 global: AccessDenied');
  });

  it('says nothing about failure for drift that apply will fix', () => {
    const planned = report([row('222222222222', 'us-east-1', 'drift', { changes: [change('222222222222', 'us-east-1')] })]);

    expect(renderSummary(planned)).not.toContain('Why it failed');
    expect(failureMessage(planned)).toBeNull();
  });

  it('a plan run as a drift check (not a pull request) fails on that drift, naming the missing resource', () => {
    const planned = report([row('222222222222', 'us-east-1', 'drift', { changes: [change('222222222222', 'us-east-1')] })]);

    expect(failureMessage(planned, { failOnDrift: true })).toMatch(
      /^TrailGuard plan failed for 1 item:\n- 222222222222 us-east-1: .*not in place/,
    );
    expect(renderSummary(planned, { failOnDrift: true })).toContain('Why it failed: 1 account-region is not protected');
  });
});
