// Loads the shared CloudTrail sample events and builds variants of them for other accounts, regions and trails.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Our copy of the shared samples, so a clone anywhere has them. */
export const FIXTURES = resolve(here, '..', 'fixtures', 'cloudtrail');
/** The originals in ../shared/fixtures beside the repository, when they are there. */
export const SHARED_FIXTURES = resolve(here, '..', '..', '..', 'shared', 'fixtures');

export type FixtureName = 'stop-logging' | 'stop-logging-console' | 'delete-trail' | 'update-trail' | 'put-event-selectors';
export const FIXTURE_NAMES: FixtureName[] = ['stop-logging', 'stop-logging-console', 'delete-trail', 'update-trail', 'put-event-selectors'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: tests reach into CloudTrail records of every shape
export type Envelope = Record<string, any>;

export function loadFixture(name: FixtureName): Envelope {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Envelope;
}

export interface Retarget {
  account?: string;
  region?: string;
  trail?: string;
  eventId?: string;
}

/**
 * The same event as if it happened to another trail, account or region: every place that
 * names them (envelope, recipientAccountId, trail name or ARN, response ARNs) changes together.
 */
export function retarget(event: Envelope, to: Retarget): Envelope {
  const fromAccount = event.account as string;
  const fromRegion = event.region as string;
  const copy = structuredClone(event);
  const account = to.account ?? fromAccount;
  const region = to.region ?? fromRegion;
  const fix = (value: unknown): unknown => {
    if (typeof value === 'string') {
      let s = value.split(fromAccount).join(account);
      if (s.startsWith('arn:aws:cloudtrail:')) s = s.replace(`:${fromRegion}:`, `:${region}:`);
      if (to.trail && s.endsWith(':trail/org-audit')) s = s.replace(/trail\/org-audit$/, `trail/${to.trail}`);
      if (to.trail && s === 'org-audit') s = to.trail;
      return s;
    }
    if (Array.isArray(value)) return value.map(fix);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fix(v)]));
    return value;
  };
  const out = fix(copy) as Envelope;
  out.region = region;
  out.detail.awsRegion = region;
  if (to.eventId) out.detail.eventID = to.eventId;
  return out;
}
