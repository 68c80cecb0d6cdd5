// Strict parsing of the action's inputs: every error starts with the input's name.
import { DEFAULT_CONCURRENCY } from '../core/aws/clients.js';

export type ModeInput = 'auto' | 'plan' | 'apply';

export interface Inputs {
  config: string;
  mode: ModeInput;
  githubToken: string;
  comment: boolean;
  concurrency: number;
}

export class InputError extends Error {}

/** YAML 1.2 core booleans, as GitHub documents for action inputs. */
export function parseBoolean(name: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`${name}: expected true or false, got ${JSON.stringify(value)}`);
}

export function parseInputs(get: (name: string) => string): Inputs {
  const mode = get('mode') || 'auto';
  if (!['auto', 'plan', 'apply'].includes(mode)) throw new InputError(`mode: expected auto, plan or apply, got ${JSON.stringify(mode)}`);
  const concurrencyText = get('concurrency') || String(DEFAULT_CONCURRENCY);
  const concurrency = Number(concurrencyText);
  if (!/^\d+$/.test(concurrencyText) || concurrency < 1 || concurrency > 256) {
    throw new InputError(`concurrency: expected a whole number from 1 to 256, got ${JSON.stringify(concurrencyText)}`);
  }
  return {
    config: get('config') || 'trailguard.yml',
    mode: mode as ModeInput,
    githubToken: get('github-token'),
    comment: parseBoolean('comment', get('comment') || 'true'),
    concurrency,
  };
}

export interface EventContext {
  eventName: string;
  ref: string;
  payload: { repository?: object & { default_branch?: unknown } };
}

/** `auto`: apply on a push to the default branch, plan otherwise. */
export function resolveMode(mode: ModeInput, context: EventContext): 'plan' | 'apply' {
  if (mode !== 'auto') return mode;
  const branch = context.payload.repository?.default_branch;
  const defaultBranch = typeof branch === 'string' ? branch : undefined;
  return context.eventName === 'push' && defaultBranch !== undefined && context.ref === `refs/heads/${defaultBranch}` ? 'apply' : 'plan';
}
