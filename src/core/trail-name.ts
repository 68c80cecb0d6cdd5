// CloudTrail's trail-name rules, in one place: the config baseline and the tamper-event parser both use them.
import { z } from 'zod';

const ALLOWED = /^[A-Za-z0-9._-]*$/;
const ADJACENT_SEPARATORS = /[._-]{2}/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Why CloudTrail would refuse `name` as a trail name, or null when it is a valid one.
 *
 * Follows the `Name` rules of CloudTrail's CreateTrail API reference: 3-128 characters; only
 * ASCII letters, digits, `.`, `_` and `-`; starts and ends with a letter or digit; no two of
 * `._-` next to each other (`my-_namespace`, `my--namespace`); not in IP address format
 * (`192.168.5.4`). The message is meant to follow a field path (`trails[0].name: ...`).
 */
export function trailNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 128) return `expected a trail name of 3-128 characters, got ${name.length}`;
  if (!ALLOWED.test(name)) return 'expected a trail name of ASCII letters, digits, ".", "_" and "-" only';
  if (!/^[A-Za-z0-9]/.test(name)) return 'expected a trail name that starts with a letter or digit';
  if (!/[A-Za-z0-9]$/.test(name)) return 'expected a trail name that ends with a letter or digit';
  if (ADJACENT_SEPARATORS.test(name))
    return 'expected a trail name without adjacent ".", "_" or "-" (such as "my-_namespace" or "my--namespace")';
  if (IP_ADDRESS.test(name)) return 'expected a trail name that is not in IP address format';
  return null;
}

/** A trail name as CloudTrail accepts it; the issue message says which rule failed. */
export const TrailNameSchema = z.string().check((ctx) => {
  const problem = trailNameProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
});
