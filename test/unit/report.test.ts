import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/core/plan.js';
import type { PipelineReport, Row } from '../../src/core/pipeline.js';
import { COMMENT_LIMIT, COMMENT_MARKER, failureMessage, renderComment, renderSummary, renderTable } from '../../src/core/report.js';

const change = (account: string, region: string): Change => ({
  key: `${account}/${region}/event-rule/trailguard-forward`, account, region, kind: 'event-rule', name: 'trailguard-forward', action: 'create', reason: 'create', fields: [],
});
const row = (account: string, region: string, status: Row['status'], extra: Partial<Row> = {}): Row => ({ account, name: `n-${account}`, region, status, changes: [], remaining: [], errors: [], ...extra });
const report = (rows: Row[], extra: Partial<PipelineReport> = {}): PipelineReport => ({
  mode: 'plan', central: { account: '111111111111', region: 'us-east-1' }, members: [], rows,
  changes: rows.flatMap((r) => r.changes), conflicts: [], drift: rows.some((r) => r.changes.length > 0), errors: [], durationMs: 1234, ...extra,
});

describe('report rendering', () => {
  it('summarises with a row per account and region and the reason of each change', () => {
    const text = renderSummary(report([row('222222222222', 'us-east-1', 'drift', { changes: [change('222222222222', 'us-east-1')] }), row('222222222222', 'eu-west-1', 'ok')]));

    expect(text).toContain('⚠️ drift: 1 change planned, 1 account, 2 account-regions (1.2 s)');
    expect(text).toContain('| 222222222222 (n-222222222222) | us-east-1 | ⚠️ drift | `event-rule trailguard-forward` create |');
    expect(text).toContain('| 222222222222 (n-222222222222) | eu-west-1 | ✅ ok |  |');
  });

  it('lists only rows needing attention in a large organization, counting the rest', () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(String(300000000000 + i), 'us-east-1', i === 7 ? 'error' : 'ok', i === 7 ? { errors: ['AccessDenied | x'] } : {}));

    const table = renderTable(report(rows));

    expect(table.split('\n')).toHaveLength(2 + 1 + 2);
    expect(table).toContain('AccessDenied \\| x');
    expect(table).toContain('299 account-regions ok, not listed.');
  });

  it('marks the PR comment and keeps it under GitHub’s limit, saying what was left out', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(String(300000000000 + i), 'us-east-1', 'drift', { changes: [change(String(300000000000 + i), 'us-east-1')] }));

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
      errors: [{ account: '333333333333', region: 'global', message: 'AccessDenied assuming OrganizationAccountAccessRole in 333333333333: no' }],
    });

    expect(failureMessage(failed)).toBe(
      'TrailGuard apply failed for 2 items:\n- 333333333333 global: AccessDenied assuming OrganizationAccountAccessRole in 333333333333: no\n- 222222222222 us-east-1: `event-rule trailguard-forward` create still drifting after apply',
    );
    expect(failureMessage(report([row('222222222222', 'us-east-1', 'ok')]))).toBeNull();
  });
});
