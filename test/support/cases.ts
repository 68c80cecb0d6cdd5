// Loads copies of the shared real-world cases (../shared/cases) kept in test/fixtures/cases, so a clone anywhere has them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Envelope } from './fixtures.js';

const CASES = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'cases');

export interface Case {
  id: string;
  event: Envelope;
  expected: { outcome?: string[]; alert?: boolean; alertFields?: Record<string, unknown> } & Record<string, unknown>;
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
