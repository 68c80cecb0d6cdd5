// The sticky PR comment over HTTP with the real Octokit against a fake GitHub API: found by its marker AND its author.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestComments, upsertComment } from '../../src/action/comment.js';
import { COMMENT_MARKER } from '../../src/action/report.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

let github: FakeGitHub;
const WORKFLOW_TOKEN = 'ghs_workflow_token_value';
const PERSONAL_TOKEN = 'ghp_personal_token_value';
const pr = { owner: 'acme', repo: 'infra', number: 7 };
const plan = (n: number) => `${COMMENT_MARKER}\nTrailGuard plan ${n}`;
const participant = (login: string, body: string) =>
  github.comments.push({ id: 1 + github.comments.length, body, user: { login, type: 'User' } });

beforeAll(async () => {
  github = await startFakeGitHub();
  github.users.set(PERSONAL_TOKEN, 'trailguard-ops');
});
afterAll(async () => github?.close());
beforeEach(() => {
  github.comments.length = 0;
  github.calls.length = 0;
});

describe('sticky PR comment', () => {
  it('with the workflow token, a participant posting the marker gets neither overwritten nor in the way', async () => {
    const api = pullRequestComments(WORKFLOW_TOKEN, { ...pr, apiUrl: github.url });
    participant('mallory', `${COMMENT_MARKER}\nfake all-clear`);

    const first = await upsertComment(api, plan(1));
    const second = await upsertComment(api, plan(2));

    expect([first, second]).toEqual(['created', 'updated']);
    expect(github.comments.map((c) => [c.user.login, c.body])).toEqual([
      ['mallory', `${COMMENT_MARKER}\nfake all-clear`],
      ['github-actions[bot]', plan(2)],
    ]);
    expect(github.calls.filter((c) => c.method === 'PATCH').map((c) => c.path)).toEqual([
      `/repos/acme/infra/issues/comments/${github.comments[1]!.id}`,
    ]);
  });

  it("with a personal token, the comment is the token user's (GET /user), not another bot's carrying the marker", async () => {
    const api = pullRequestComments(PERSONAL_TOKEN, { ...pr, apiUrl: github.url });
    github.comments.push({ id: 1, body: `${COMMENT_MARKER}\nfrom another workflow`, user: { login: 'github-actions[bot]', type: 'Bot' } });
    participant('trailguard-ops', plan(1));

    const outcome = await upsertComment(api, plan(2));

    expect(outcome).toBe('updated');
    expect(github.comments.map((c) => [c.user.login, c.body])).toEqual([
      ['github-actions[bot]', `${COMMENT_MARKER}\nfrom another workflow`],
      ['trailguard-ops', plan(2)],
    ]);
    expect(github.calls.some((c) => c.method === 'GET' && c.path === '/user')).toBe(true);
  });
});
