// Review r2: the action's `drift` output when the run cannot even list the members.
// README: plan/apply "end non-zero with drift=true whenever an account-region is not fully protected ... an account
// that cannot be read". With `members.organization: true` and organizations:ListAccounts denied, the run throws before
// any report: the step fails, but `drift` was never set, so a workflow gate on `steps.tg.outputs.drift == 'true'`
// (the documented output) reads '' and passes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/action/main.js';

const orgs = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  process.exitCode = undefined;
  orgs.reset();
  sts.reset();
});

function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

describe('review: action outputs when the members cannot be listed', () => {
  it('sets drift=true and fails the step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-review-'));
    writeFileSync(
      join(dir, 'trailguard.yml'),
      'version: 1\ncentral: { account: "521111111111", region: us-east-1 }\nmembers: { organization: true, regions: [us-east-1] }\n',
    );
    writeFileSync(join(dir, 'out'), '');
    writeFileSync(join(dir, 'summary'), '');
    Object.assign(process.env, {
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: join(dir, 'out'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      RUNNER_TEMP: dir,
      INPUT_MODE: 'plan',
      'INPUT_GITHUB-TOKEN': 't',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_REGION: 'us-east-1',
    });
    sts.on(GetCallerIdentityCommand).resolves({ Account: '521111111111' });
    orgs
      .on(ListAccountsCommand)
      .rejects(Object.assign(new Error('not authorized to perform organizations:ListAccounts'), { name: 'AccessDeniedException' }));

    await run();

    expect(process.exitCode).toBe(1);
    expect(outputs(join(dir, 'out')).drift).toBe('true');
  });
});
