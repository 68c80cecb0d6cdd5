// Loads copies of the shared real-world cases (../shared/cases) kept in test/fixtures/cases, so a clone anywhere has them,
// and rewrites them for moto tests that use their own account ids.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope } from './fixtures.js';

export const CASES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cases');

export interface Case {
  id: string;
  event: Envelope;
  setup: { config: { members: string[]; regions?: string[]; trails?: Record<string, unknown>[] } & Record<string, unknown> };
  expected: {
    outcome?: string[];
    alert?: boolean;
    alertFields?: Record<string, unknown>;
    alertActionsExclude?: string[];
    anyOf?: { outcome: string[]; alert: boolean; trailAfter?: Record<string, unknown> }[];
  } & Record<string, unknown>;
}

export function loadCase(id: string): Case {
  return JSON.parse(readFileSync(join(CASES, `${id}.json`), 'utf8')) as Case;
}

export function loadCases(): Case[] {
  return readdirSync(CASES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadCase(f.replace(/\.json$/, '')));
}

/** Every outcome a case accepts, best first. */
export function acceptedOutcomes(c: Case): string[] {
  return c.expected.outcome ?? (c.expected.anyOf ?? []).flatMap((a) => a.outcome);
}

/** The same case event in other accounts (moto tests use their own ids): every string naming an account changes. */
export function retargetAccounts(event: Envelope, accounts: Record<string, string>): Envelope {
  let text = JSON.stringify(event);
  for (const [from, to] of Object.entries(accounts)) text = text.split(from).join(to);
  return JSON.parse(text) as Envelope;
}
