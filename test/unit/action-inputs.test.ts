import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { upsertComment, type CommentApi } from '../../src/action/comment.js';
import { parseBoolean, parseInputs, resolveMode } from '../../src/action/inputs.js';
import { COMMENT_MARKER } from '../../src/action/report.js';
import { commandUsage, parseArgs } from '../../src/cli.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('action inputs', () => {
  it('defaults like action.yml', () => {
    expect(parseInputs(inputs({ 'github-token': 't' }))).toEqual({
      config: 'trailguard.yml',
      mode: 'auto',
      githubToken: 't',
      comment: true,
      concurrency: 16,
    });
  });

  it("defaults to the contract's 16 AWS requests in flight, in the action, its action.yml and the CLI alike", () => {
    const actionYml = readFileSync('action.yml', 'utf8');

    const cli = parseArgs(['plan']);

    expect(parseInputs(inputs({})).concurrency).toBe(16);
    expect(/ {2}concurrency:\n(?: {4}.*\n)*? {4}default: "(\d+)"/.exec(actionYml)?.[1]).toBe('16');
    expect(cli.concurrency).toBe(16);
    expect(commandUsage('plan')).toContain('--concurrency 16');
  });

  it('rejects bad values, naming the input', () => {
    expect(() => parseInputs(inputs({ mode: 'destroy' }))).toThrow('mode: expected auto, plan or apply, got "destroy"');
    expect(() => parseInputs(inputs({ concurrency: '0' }))).toThrow('concurrency: expected a whole number from 1 to 256, got "0"');
    expect(() => parseInputs(inputs({ concurrency: '2.5' }))).toThrow(/^concurrency: /);
    expect(() => parseInputs(inputs({ comment: 'yes' }))).toThrow('comment: expected true or false, got "yes"');
  });

  it('reads YAML 1.2 booleans only', () => {
    expect(['true', 'True', 'TRUE'].map((v) => parseBoolean('x', v))).toEqual([true, true, true]);
    expect(['false', 'False', 'FALSE'].map((v) => parseBoolean('x', v))).toEqual([false, false, false]);
    expect(() => parseBoolean('x', 'on')).toThrow();
  });

  it('auto applies on a push to the default branch only', () => {
    const repo = { repository: { default_branch: 'main' } };
    expect(resolveMode('auto', { eventName: 'push', ref: 'refs/heads/main', payload: repo })).toBe('apply');
    expect(resolveMode('auto', { eventName: 'push', ref: 'refs/heads/feature', payload: repo })).toBe('plan');
    expect(resolveMode('auto', { eventName: 'pull_request', ref: 'refs/heads/main', payload: repo })).toBe('plan');
    expect(resolveMode('auto', { eventName: 'push', ref: 'refs/heads/main', payload: {} })).toBe('plan');
    expect(resolveMode('apply', { eventName: 'pull_request', ref: '', payload: {} })).toBe('apply');
  });
});

describe('upsertComment', () => {
  function fakeApi(existing: { id: number; body: string; user?: { login: string } }[]) {
    const made: string[] = [];
    const api: CommentApi = {
      list: async () => existing.map((c) => ({ user: { login: 'github-actions[bot]' }, ...c })),
      author: async () => 'github-actions[bot]',
      create: async (body) => void made.push(`create ${body}`),
      update: async (id, body) => void made.push(`update ${id} ${body}`),
    };
    return { api, made };
  }

  it('creates the comment when none carries the marker', async () => {
    const { api, made } = fakeApi([{ id: 1, body: 'LGTM' }]);
    expect(await upsertComment(api, `${COMMENT_MARKER} plan`)).toBe('created');
    expect(made).toEqual([`create ${COMMENT_MARKER} plan`]);
  });

  it('updates the marked comment in place', async () => {
    const { api, made } = fakeApi([
      { id: 1, body: 'LGTM' },
      { id: 2, body: `${COMMENT_MARKER} old` },
    ]);
    expect(await upsertComment(api, `${COMMENT_MARKER} new`)).toBe('updated');
    expect(made).toEqual([`update 2 ${COMMENT_MARKER} new`]);
  });

  it('leaves a marked comment by anyone else alone and creates its own', async () => {
    const { api, made } = fakeApi([{ id: 1, body: `${COMMENT_MARKER} pasted`, user: { login: 'mallory' } }]);
    expect(await upsertComment(api, `${COMMENT_MARKER} new`)).toBe('created');
    expect(made).toEqual([`create ${COMMENT_MARKER} new`]);
  });
});
