// Loads the real-world cases (copies of ../shared/cases in test/fixtures/cases) and builds TamperEvents from them.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
export const CASES = resolve(here, '..', 'fixtures', 'cases');

export type CaseId = '12-org-trail-update-not-organization' | '13-org-trail-delete-recreated' | '19-baseline-kms-alias-vs-key-arn';

export interface Case {
  id: string;
  event: Envelope;
  setup: { config: { members: string[]; regions: string[]; trails?: Record<string, unknown>[] } };
  expected: {
    outcome?: string[];
    alert?: boolean;
    alertActionsExclude?: string[];
    anyOf?: { outcome: string[]; alert: boolean; trailAfter?: Record<string, unknown> }[];
  };
}

export function loadCase(id: CaseId): Case {
  return JSON.parse(readFileSync(join(CASES, `${id}.json`), 'utf8')) as Case;
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
