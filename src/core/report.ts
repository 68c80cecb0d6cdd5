// Presenting a pipeline run: Markdown for the job summary and the sticky PR comment, JSON for the report output.
import type { Change } from './plan.js';
import type { PipelineReport, Row, RowStatus } from './pipeline.js';

export const COMMENT_MARKER = '<!-- trailguard-plan -->';
/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;
/** Beyond this many account-regions, `ok` rows are counted instead of listed. */
export const FULL_TABLE_ROWS = 200;

const ICON: Record<RowStatus, string> = { ok: '✅ ok', drift: '⚠️ drift', created: '🆕 created', updated: '🔧 updated', conflict: '⛔ conflict', error: '❌ error' };

const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function describe(change: Change): string {
  return `\`${change.kind} ${change.name}\` ${change.reason}`;
}

function cell(row: Row): string {
  const parts = [...row.errors.map(escape), ...row.changes.map(describe), ...row.remaining.map((c) => `still drifting: ${describe(c)}`)];
  return parts.length ? parts.join('<br>') : '';
}

export function headline(report: PipelineReport): string {
  const accounts = new Set(report.rows.map((r) => r.account)).size;
  const verb = report.mode === 'plan' ? 'planned' : 'made';
  const parts = [
    `${report.changes.length} change${report.changes.length === 1 ? '' : 's'} ${verb}`,
    `${accounts} account${accounts === 1 ? '' : 's'}`,
    `${report.rows.filter((r) => r.region !== 'global').length} account-regions`,
  ];
  if (report.conflicts.length) parts.push(`${report.conflicts.length} conflict${report.conflicts.length === 1 ? '' : 's'}`);
  if (report.errors.length) parts.push(`${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
  const state = report.errors.length ? '❌ failed' : report.drift ? (report.mode === 'plan' ? '⚠️ drift' : '❌ drift remains') : '✅ no drift';
  return `${state}: ${parts.join(', ')} (${(report.durationMs / 1000).toFixed(1)} s)`;
}

/** The Markdown table; every row while there are few, otherwise only rows that need attention. */
export function renderTable(report: PipelineReport, maxRows = FULL_TABLE_ROWS): string {
  const shown = report.rows.length <= maxRows ? report.rows : report.rows.filter((r) => r.status !== 'ok');
  const lines = ['| Account | Region | Status | Details |', '| --- | --- | --- | --- |'];
  for (const row of shown) lines.push(`| ${row.account} (${escape(row.name)}) | ${row.region} | ${ICON[row.status]} | ${cell(row)} |`);
  const hidden = report.rows.length - shown.length;
  if (hidden > 0) lines.push('', `${hidden} account-region${hidden === 1 ? '' : 's'} ok, not listed.`);
  return lines.join('\n');
}

export function renderSummary(report: PipelineReport): string {
  return [`## TrailGuard ${report.mode}`, '', headline(report), '', renderTable(report)].join('\n');
}

/** The sticky PR comment: found again by its marker, cut to GitHub's size limit with a note of what was left out. */
export function renderComment(report: PipelineReport, runUrl?: string): string {
  const footer = runUrl ? `\n\n[Workflow run](${runUrl}) · updated on every push` : '\n\nUpdated on every push.';
  const body = `${COMMENT_MARKER}\n## TrailGuard plan\n\n${headline(report)}\n\n${renderTable(report)}${footer}`;
  if (body.length <= COMMENT_LIMIT) return body;
  const lines = body.split('\n');
  const kept: string[] = [];
  let size = footer.length + 200;
  for (const line of lines) {
    if (size + line.length + 1 > COMMENT_LIMIT) break;
    kept.push(line);
    size += line.length + 1;
  }
  const left = lines.length - kept.length;
  return `${kept.join('\n')}\n\n… ${left} more line${left === 1 ? '' : 's'} left out (GitHub's comment limit); the job summary and the JSON report have them all.${footer}`;
}

/** One-line failure message naming each failure, for setFailed and the CLI. */
export function failureMessage(report: PipelineReport): string | null {
  const problems = [
    ...report.errors.map((e) => `${e.account} ${e.region}: ${e.message}`),
    ...(report.mode === 'apply' ? report.rows.flatMap((r) => r.remaining.map((c) => `${c.account} ${c.region}: ${describe(c)} still drifting after apply`)) : []),
  ];
  return problems.length ? `TrailGuard ${report.mode} failed for ${problems.length} item${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `- ${p}`).join('\n')}` : null;
}
