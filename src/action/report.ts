// Presenting a pipeline run: Markdown for the job summary and the sticky PR comment, JSON for the report output.
import { NAMES } from '../core/names.js';
import type { PipelineReport, Row, RowStatus, UncoveredTrail } from '../core/pipeline.js';
import type { Change } from '../core/plan.js';
import { kindSpec } from '../core/kinds/index.js';

export const COMMENT_MARKER = '<!-- trailguard-plan -->';
/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;
/** Beyond this many account-regions, `ok` rows are counted instead of listed. */
export const FULL_TABLE_ROWS = 200;

const ICON: Record<RowStatus, string> = {
  ok: '✅ ok',
  drift: '⚠️ drift',
  created: '🆕 created',
  updated: '🔧 updated',
  conflict: '⛔ conflict',
  error: '❌ error',
  uncovered: '🕳️ uncovered',
};
/** Failures listed above the table (the rest are in the table, the JSON report and the step's error). */
export const WHY_LINES = 10;

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function describe(change: Change): string {
  return `\`${change.kind} ${change.name}\` ${change.reason}`;
}

/** `trail org-audit (arn...): ...`: what an uncovered row says about each trail. */
export function describeUncovered(u: UncoveredTrail): string {
  return `trail ${u.trail} (${u.arn}): no ${NAMES.forwardRule} rule in ${u.region}, its tampering is never seen`;
}

/**
 * A before or after value as a code span: observed values are written by whoever changed the resource, so nothing in
 * them may render (a mention, a link, HTML) or end the span (a backtick) or the table cell (a pipe).
 */
const codeSpan = (value: string) => `\`${escapeCell(value.replace(/`/g, "'"))}\``;

/** A change with the before → after of each field it changes, one line each, for a table cell. */
function describeWithValues(change: Change): string {
  return [describe(change), ...(change.diff ?? []).map((d) => `${escapeCell(d.field)}: ${codeSpan(d.before)} → ${codeSpan(d.after)}`)].join(
    '<br>',
  );
}

function cell(row: Row): string {
  const parts = [
    ...row.errors.map(escapeCell),
    ...row.changes.map(describeWithValues),
    ...row.remaining.map((c) => `still drifting: ${describeWithValues(c)}`),
    ...row.uncovered.map((u) => escapeCell(describeUncovered(u))),
  ];
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
  if (report.uncovered.length) parts.push(`${report.uncovered.length} uncovered trail${report.uncovered.length === 1 ? '' : 's'}`);
  const unfixable = report.errors.length + report.conflicts.length + report.uncovered.length > 0;
  const state = unfixable ? '❌ failed' : report.drift ? (report.mode === 'plan' ? '⚠️ drift' : '❌ drift remains') : '✅ no drift';
  return `${state}: ${parts.join(', ')} (${(report.durationMs / 1000).toFixed(1)} s)`;
}

/** The Markdown table; every row while there are few, otherwise only rows that need attention. */
export function renderTable(report: PipelineReport, maxRows = FULL_TABLE_ROWS): string {
  const shown = report.rows.length <= maxRows ? report.rows : report.rows.filter((r) => r.status !== 'ok');
  const lines = ['| Account | Region | Status | Details |', '| --- | --- | --- | --- |'];
  for (const row of shown) lines.push(`| ${row.account} (${escapeCell(row.name)}) | ${row.region} | ${ICON[row.status]} | ${cell(row)} |`);
  const hidden = report.rows.length - shown.length;
  if (hidden > 0) lines.push('', `${hidden} account-region${hidden === 1 ? '' : 's'} ok, not listed.`);
  return lines.join('\n');
}

/** Why the run failed, first thing under the headline: a reviewer reads this before the table. Empty when it did not. */
export function renderWhy(report: PipelineReport, max = WHY_LINES, options: FailureOptions = {}): string {
  const items = failureItems(report, options);
  if (items.length === 0) return '';
  const shown = items.slice(0, max).map((i) => `- ${i.replace(/\r?\n/g, ' ')}`);
  if (items.length > max) shown.push(`- … and ${items.length - max} more (see the table)`);
  return [`**Why it failed: ${items.length} account-region${items.length === 1 ? ' is' : 's are'} not protected**`, '', ...shown, ''].join(
    '\n',
  );
}

export function renderSummary(report: PipelineReport, options: FailureOptions = {}): string {
  const why = renderWhy(report, WHY_LINES, options);
  // Where Slack must send commands and button presses (slack.deploy: lambda): set it in the Slack app's settings.
  const slack = report.slackUrl ? [`Slack Request URL: \`${report.slackUrl}\``, ''] : [];
  return [`## TrailGuard ${report.mode}`, '', headline(report), '', ...(why ? [why] : []), ...slack, renderTable(report)].join('\n');
}

/** The sticky PR comment: found again by its marker, cut to GitHub's size limit with a note of what was left out. */
export function renderComment(report: PipelineReport, runUrl?: string): string {
  const footer = runUrl ? `\n\n[Workflow run](${runUrl}) · updated on every push` : '\n\nUpdated on every push.';
  const why = renderWhy(report);
  const body = `${COMMENT_MARKER}\n## TrailGuard plan\n\n${headline(report)}\n\n${why ? `${why}\n` : ''}${renderTable(report)}${footer}`;
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

/**
 * Every reason the run failed, one line each, `<account> <region>: <what, and what to do>`: errors (an account or
 * resource that could not be read or written), conflicts (a resource with TrailGuard's name it does not own),
 * uncovered trails (home region without a forwarding rule), and drift left after apply. Drift a plan found that
 * apply will fix is not a failure. Empty when the run succeeded.
 */
/** How strict a run is about drift a plan finds and apply would fix. */
export interface FailureOptions {
  /**
   * A plan fails on every missing or drifted resource too, not only on what apply cannot fix: for a
   * plan run as a drift check (a schedule, a push), where a missing forwarding rule is a blind spot
   * now. A pull request's plan previews changes that apply makes after the merge, so it leaves this off.
   */
  failOnDrift?: boolean;
}

export function failureItems(report: PipelineReport, options: FailureOptions = {}): string[] {
  const drift =
    options.failOnDrift && report.mode === 'plan'
      ? report.rows.flatMap((r) =>
          r.changes
            .filter((c) => c.action !== 'conflict')
            .map(
              (c) => `${c.account} ${c.region}: ${describe(c)}: not in place, so this account-region is not fully protected until apply`,
            ),
        )
      : [];
  return [
    ...drift,
    ...report.errors.map((e) => `${e.account} ${e.region}: ${e.message}`),
    ...report.conflicts.map((c) => {
      const spec = kindSpec(c.kind);
      const what = spec.describeConflict
        ? spec.describeConflict(c)
        : `${c.kind} ${c.name} exists without the trailguard:managed=true tag: TrailGuard never changes it, so this account-region is not protected; delete it or tag it`;
      return `${c.account} ${c.region}: ${what}`;
    }),
    ...report.uncovered.map(
      (u) =>
        `${u.account} ${u.region}: trail ${u.trail} lives in ${u.region}, which has no ${NAMES.forwardRule} rule: StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors on it are made there and never seen; add ${u.region} to members.regions, or set members.regions: auto`,
    ),
    ...(report.mode === 'apply'
      ? report.rows.flatMap((r) => r.remaining.map((c) => `${c.account} ${c.region}: ${describe(c)} still drifting after apply`))
      : []),
  ];
}

/** The failure message naming each failure, for setFailed and the CLI; null when the run succeeded. */
export function failureMessage(report: PipelineReport, options: FailureOptions = {}): string | null {
  const problems = failureItems(report, options);
  return problems.length
    ? `TrailGuard ${report.mode} failed for ${problems.length} item${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `- ${p}`).join('\n')}`
    : null;
}
