// The plan: a pure diff of desired resources against what the readers observed, each change with its reason.
import { kindSpec, type Resource, type ResourceKind } from './kinds/index.js';

export type Observed =
  | { exists: false }
  | {
      exists: true;
      /** Carries trailguard:managed=true (or, for untaggable kinds, bears a TrailGuard name). */
      managed: boolean;
      fields: Record<string, unknown>;
      /** Provider ids the writers need (queue URL, mapping UUID, target ids to remove...). */
      ids?: Record<string, string>;
    };

export type ChangeAction = 'create' | 'update' | 'delete' | 'conflict';

export interface Change {
  key: string;
  account: string;
  region: string;
  kind: ResourceKind;
  name: string;
  action: ChangeAction;
  /** `create`, `update: targets, eventPattern`, `delete: no longer desired`, `conflict: not managed by TrailGuard`. */
  reason: string;
  fields: string[];
  /**
   * On an update: each differing field's observed (`before`) and desired (`after`) value, as canonical JSON clipped to
   * VALUE_CLIP characters (ending in `…` when cut), in `fields` order; what may hold a secret is hidden by the kind
   * module (`shownValue`: environment values, credentials in a URL). Absent on create, delete and conflict.
   */
  diff?: FieldDiff[];
}

/** One field of an update: what the reader saw and what apply writes, for people to read (clipped, not for machines). */
export interface FieldDiff {
  field: string;
  before: string;
  after: string;
}

/** Characters of a before or after value shown: enough for a state, an ARN or a short list; a policy is cut. */
export const VALUE_CLIP = 80;

/** `text` cut to `max` characters, the last one `…` when anything was left out. */
export function clipValue(text: string, max = VALUE_CLIP): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Characters of common text shown before the first difference when a pair of values is cut around it. */
const DIFF_CONTEXT = 20;

/**
 * `[before, after]` clipped to `max` characters each, so that a reader sees where they differ: when both share a
 * prefix longer than the clip would show (a policy or a list of 50 accounts that differs near its end), each is cut
 * to a window starting DIFF_CONTEXT characters before the first differing character, marked `…` at both cut ends.
 * Otherwise the same as `clipValue` on each.
 */
export function clipPair(before: string, after: string, max = VALUE_CLIP): [string, string] {
  const a = [...before];
  const b = [...after];
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  if (first < max - DIFF_CONTEXT) return [clipValue(before, max), clipValue(after, max)];
  const start = first - DIFF_CONTEXT;
  const window = (chars: string[]) => {
    const rest = chars.slice(start);
    return rest.length <= max - 1 ? `…${rest.join('')}` : `…${rest.slice(0, max - 2).join('')}…`;
  };
  return [window(a), window(b)];
}

/** An owned resource that exists but is no longer desired (a bus statement for a removed member). */
export interface Extraneous {
  key: string;
  account: string;
  region: string;
  kind: ResourceKind;
  name: string;
  /** Set on a statement TrailGuard did not write (a foreign Sid on its own bus): reported as a conflict, never deleted. */
  foreign?: string;
}

/** JSON with sorted object keys: equal values give equal strings whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export { inlinePolicyField } from './kinds/index.js';

/** The fields of a resource that apply compares and converges, in the shape readers report them (its kind module's). */
export function desiredFields(resource: Resource): Record<string, unknown> {
  return kindSpec(resource.kind).desiredFields(resource as never);
}

function identity(r: Resource | Extraneous) {
  return { key: r.key, account: r.account, region: r.region, kind: r.kind, name: r.name };
}

/** Compares desired resources with observations; a resource that was not observed at all is left out (its account failed). */
export function planChanges(desired: Resource[], observed: ReadonlyMap<string, Observed>, extraneous: Extraneous[] = []): Change[] {
  const changes: Change[] = [];
  for (const resource of desired) {
    const seen = observed.get(resource.key);
    if (!seen) continue;
    if (!seen.exists) {
      changes.push({ ...identity(resource), action: 'create', reason: 'create', fields: [] });
      continue;
    }
    if (kindSpec(resource.kind).tagged && !seen.managed) {
      changes.push({ ...identity(resource), action: 'conflict', reason: 'conflict: not managed by TrailGuard', fields: [] });
      continue;
    }
    const wanted = desiredFields(resource);
    const differing = Object.keys(wanted).filter((field) => canonical(wanted[field]) !== canonical(seen.fields[field]));
    if (differing.length > 0) {
      const who = kindSpec(resource.kind).updateHint ?? '';
      const spec = kindSpec(resource.kind);
      const shown = (field: string, value: unknown, other: unknown) =>
        canonical(spec.shownValue ? spec.shownValue(field, value, other) : value);
      const diff = differing.map((field) => {
        const [before, after] = clipPair(shown(field, seen.fields[field], wanted[field]), shown(field, wanted[field], seen.fields[field]));
        return { field, before, after };
      });
      changes.push({ ...identity(resource), action: 'update', reason: `update: ${differing.join(', ')}${who}`, fields: differing, diff });
    }
  }
  for (const extra of extraneous) {
    if (extra.foreign) {
      changes.push({
        ...identity(extra),
        action: 'conflict',
        reason: `conflict: not written by TrailGuard (${extra.foreign})`,
        fields: [],
      });
      continue;
    }
    changes.push({ ...identity(extra), action: 'delete', reason: 'delete: no longer desired', fields: [] });
  }
  return changes;
}
