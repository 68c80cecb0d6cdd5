// What every resource kind module states about its kind (the pure half; the AWS half is src/core/aws/kinds/kind.ts).
import type { Change } from '../plan.js';

/** What every desired resource has, whatever its kind. */
export interface ResourceBase {
  /** Unique: account/region/kind/name. */
  key: string;
  account: string;
  /** A region, or `global` for IAM. */
  region: string;
  name: string;
}

/**
 * The pure part of a resource kind, as a Terraform provider's schema is: which fields apply compares and converges
 * and how TrailGuard recognises the resource as its own. `R` is the kind's desired resource.
 */
export interface KindSpec<R extends ResourceBase & { kind: string }> {
  readonly kind: R['kind'];
  /**
   * True when the resource carries the `trailguard:managed=true` tag and an untagged one with TrailGuard's name is a
   * conflict; false for kinds AWS cannot tag, which TrailGuard owns by their `trailguard-` name.
   */
  readonly tagged: boolean;
  /** The fields apply compares and converges, in the shape the kind's reader reports them (values are JSON). */
  desiredFields(resource: R): Record<string, unknown>;
  /**
   * Throws DesiredStateError, before any AWS call, when the kind's desired resources (all of them, every account)
   * could not exist in AWS (a quota, a size limit), saying what in trailguard.yml to change.
   */
  check?(resources: readonly R[]): void;
  /**
   * What a conflict on this kind means and what to do, after `<account> <region>: ` in the run's failure list. Unset:
   * the tagged kinds' sentence (a resource with TrailGuard's name but without the tag).
   */
  describeConflict?(change: Pick<Change, 'name' | 'reason'>): string;
  /**
   * What of a field's value may be shown as before/after in the plan (the CLI, the job summary, a public PR comment),
   * for fields that can hold secrets; `other` is the value on the other side, so that only what differs is named.
   * Unset: the whole value is shown.
   */
  shownValue?(field: string, value: unknown, other: unknown): unknown;
  /** Appended to an update's reason when apply cannot make the change itself and someone else has to. */
  readonly updateHint?: string;
}

/** The desired resource a kind spec describes. */
export type ResourceOfSpec<S> = S extends KindSpec<infer R> ? R : never;

/** Thrown before any AWS call when the desired state cannot exist (e.g. a bus policy over EventBridge's limit). */
export class DesiredStateError extends Error {}

/** Stands for a value the plan does not show. */
export const HIDDEN = '***';

/**
 * An object field (a map of names to values) as the plan shows it: only the names whose value differs from `other`'s,
 * each value hidden, so a reader sees which entries were added, removed or changed and never what they hold.
 */
export function differingNamesOnly(value: unknown, other: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value === undefined || value === null ? value : HIDDEN;
  const mine = value as Record<string, unknown>;
  const theirs = other && typeof other === 'object' ? (other as Record<string, unknown>) : {};
  return Object.fromEntries(
    Object.keys(mine)
      .filter((k) => JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]))
      .map((k) => [k, HIDDEN]),
  );
}

/** A URL as the plan shows it: without user info (SNS takes basic-auth credentials in HTTPS endpoints) or query. */
export function urlWithoutSecrets(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const url = new URL(value);
    const auth = url.username || url.password ? `${HIDDEN}@` : '';
    return `${url.protocol}//${auth}${url.host}${url.pathname}${url.search ? `?${HIDDEN}` : ''}`;
  } catch {
    return HIDDEN;
  }
}
