// The GitHub Action: parse inputs, run the pipeline, and present the result (outputs, summary, annotations, PR comment).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import pLimit from 'p-limit';
import { Accounts, deployRoleOptions } from '../core/aws/accounts.js';
import { parseConfig } from '../core/config.js';
import { errorText } from '../core/errors.js';
import type { PipelineReport } from '../core/pipeline.js';
import { runPipeline } from '../core/aws/run-pipeline.js';
import { loadRemediatorCode, loadSlackLambdaBundle } from './remediator-code.js';
import { describeUncovered, failureMessage, renderComment, renderSummary } from './report.js';
import { pullRequestComments, upsertComment, type CommentApi } from './comment.js';
import { parseInputs, resolveMode } from './inputs.js';

/** Comments of the current pull request; null outside one. */
function prComments(token: string): CommentApi | null {
  const number = github.context.payload.pull_request?.number;
  return number ? pullRequestComments(token, { ...github.context.repo, number }) : null;
}

function writeReport(report: PipelineReport, env: NodeJS.ProcessEnv): string {
  const path = resolve(env.RUNNER_TEMP ?? '.', 'trailguard-report.json');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/**
 * The action: reads its inputs and `trailguard.yml` (under GITHUB_WORKSPACE), plans or applies the pipeline, then sets
 * the outputs `drift`, `changes` and `report`, writes the job summary, annotates errors, upserts the PR comment on
 * pull requests, and fails the step (setFailed) on anything left unprotected. Never throws.
 */
export async function run(): Promise<void> {
  const env = process.env;
  const context = github.context;
  let reported = false;
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const configPath = resolve(env.GITHUB_WORKSPACE ?? '.', inputs.config);
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new Error(`config: cannot read ${inputs.config} (${errorText(error)})`, { cause: error });
    }
    const config = parseConfig(text, inputs.config);
    const mode = resolveMode(inputs.mode, context);
    const where = config.members.discoverRegions
      ? `${config.members.regions.join(', ')} and every region where a member trail lives (regions: auto)`
      : config.members.regions.join(', ');
    core.info(
      `TrailGuard ${mode} for ${config.members.organization ? 'the organization' : `${config.members.accounts.length} member account(s)`} in ${where}`,
    );
    const accounts = new Accounts({
      ...deployRoleOptions(config, mode),
      region: config.central.region,
      sessionName: 'trailguard-action',
      limit: pLimit(inputs.concurrency),
    });
    const report = await runPipeline({
      config,
      mode,
      accounts,
      code: loadRemediatorCode(),
      ...(config.slack?.deploy === 'lambda' ? { slackBundle: loadSlackLambdaBundle() } : {}),
      onProgress: (done, total) => {
        if (done === total || done % 50 === 0) core.info(`read ${done}/${total} accounts`);
      },
    });

    const reportPath = writeReport(report, env);
    core.setOutput('drift', String(report.drift));
    reported = true;
    core.setOutput('changes', String(report.changes.length));
    core.setOutput('report', reportPath);
    if (report.slackUrl) core.setOutput('slack-url', report.slackUrl);
    // Outside a runner (local-action, a shell) there is no summary file: the summary is then printed instead.
    // A pull request's plan previews what apply does after the merge; any other plan is a drift check and fails on drift.
    const strictness = { failOnDrift: !context.eventName.startsWith('pull_request') };
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderSummary(report, strictness), true).write();
    else core.info(renderSummary(report, strictness));
    for (const e of report.errors) core.error(e.message, { title: `TrailGuard: ${e.account} ${e.region}` });
    // Errors, not warnings: each of these leaves an account-region unprotected and fails the step.
    for (const c of report.conflicts) {
      const what =
        c.kind === 'bus-permission'
          ? `statement ${c.name} of TrailGuard's bus policy: ${c.reason}; whoever it admits can put forged events on the central bus`
          : c.kind === 'lambda-permission'
            ? `statement ${c.name} of a TrailGuard function's policy: ${c.reason}; whoever it admits can invoke that function with forged records`
            : `${c.kind} ${c.name} exists but is not tagged trailguard:managed=true: left untouched, so nothing TrailGuard owns protects this account-region`;
      core.error(what, { title: `TrailGuard conflict: ${c.account} ${c.region}` });
    }
    for (const u of report.uncovered) core.error(describeUncovered(u), { title: `TrailGuard uncovered trail: ${u.account} ${u.region}` });

    const comments = inputs.comment && context.eventName.startsWith('pull_request') ? prComments(inputs.githubToken) : null;
    if (comments) {
      const { serverUrl, runId } = context;
      const { owner, repo } = context.repo;
      const outcome = await upsertComment(comments, renderComment(report, `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`));
      core.info(`plan comment ${outcome}`);
    }
    const failure = failureMessage(report, strictness);
    if (failure) core.setFailed(failure);
  } catch (error) {
    // A run that could not finish saw nothing it can vouch for: never leave `drift` unset (a gate on it would pass).
    if (!reported) core.setOutput('drift', 'true');
    core.setFailed(errorText(error));
  }
}
