// A small evaluator of resource policies (bucket and key policies) for one AWS service principal's requests, limited to
// what CloudTrail's delivery needs: does the policy let the service call this action on every key it writes, given the
// request context the service sends? No IAM evaluation library is installed (@cloud-copilot/iam-simulate would be one),
// so this follows the IAM User Guide's "Policy evaluation logic" and "IAM JSON policy elements" itself.
//
// Values that TrailGuard knows only in part (the trail's account seen from a log archive, an organization id it could
// not read) are globs, and every answer is three-valued: `true`, `false`, or `unknown` when the policy depends on what
// TrailGuard does not know. Callers treat `unknown` as "cannot confirm": never as allowed.

/** Three-valued logic: `unknown` when the answer depends on a value TrailGuard cannot know. */
export type Tri = true | false | 'unknown';

const or = (values: Iterable<Tri>): Tri => {
  let result: Tri = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === 'unknown') result = 'unknown';
  }
  return result;
};
const and = (values: Iterable<Tri>): Tri => {
  let result: Tri = true;
  for (const v of values) {
    if (v === false) return false;
    if (v === 'unknown') result = 'unknown';
  }
  return result;
};
const not = (v: Tri): Tri => (v === 'unknown' ? v : !v);

// ---------------------------------------------------------------------------------------------------------------------
// Globs: IAM's `*` (any run, also empty, also across `/` and `:`) and `?` (one character), as in Resource, ArnLike and
// StringLike. Decided on their automata, so "does this pattern cover every key CloudTrail writes" is exact, not sampled.

type Token = string | '*?' | '??';
const STAR: Token = '*?';
const ONE: Token = '??';

/** A glob's tokens; `literal` keeps `*` and `?` as characters (StringEquals compares text, not patterns). */
function tokens(pattern: string, literal = false): Token[] {
  return [...pattern].map((c) => (literal ? c : c === '*' ? STAR : c === '?' ? ONE : c));
}

/** The positions reachable from `states` without reading a character (a `*` may match nothing). */
function closure(glob: readonly Token[], states: Iterable<number>): Set<number> {
  const out = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (out.has(i)) continue;
    out.add(i);
    if (glob[i] === STAR) stack.push(i + 1);
  }
  return out;
}

function step(glob: readonly Token[], states: Iterable<number>, c: string): Set<number> {
  const next: number[] = [];
  for (const i of states) {
    const t = glob[i];
    if (t === STAR) next.push(i);
    else if (t === ONE || t === c) next.push(i + 1);
  }
  return closure(glob, next);
}

/** The characters that tell the globs apart, plus one that none of them names (standing for every other character). */
function alphabet(globs: readonly (readonly Token[])[]): string[] {
  const chars = new Set<string>();
  for (const g of globs) for (const t of g) if (t !== STAR && t !== ONE) chars.add(t);
  let other = 0xe000;
  while (chars.has(String.fromCharCode(other))) other++;
  return [...chars, String.fromCharCode(other)];
}

/**
 * States a decision may visit. A bucket policy is at most 20 KB, but patterns built to blow up the subset construction
 * (`*a` then many `?`) could keep the remediator busy until Lambda's timeout, with no alert: past the budget the
 * evaluation stops and the policy is "cannot confirm", which is alerted.
 */
const STATE_BUDGET = 20_000;

class TooComplexError extends Error {}

/** Whether some string matches both globs. Throws TooComplexError past the state budget. */
function intersects(a: readonly Token[], b: readonly Token[]): boolean {
  const letters = alphabet([a, b]);
  const key = (x: Set<number>, y: Set<number>) => `${[...x].sort().join(',')}|${[...y].sort().join(',')}`;
  const start: [Set<number>, Set<number>] = [closure(a, [0]), closure(b, [0])];
  const seen = new Set([key(...start)]);
  const queue = [start];
  while (queue.length > 0) {
    if (seen.size > STATE_BUDGET) throw new TooComplexError();
    const [x, y] = queue.shift()!;
    if (x.size === 0 || y.size === 0) continue;
    if (x.has(a.length) && y.has(b.length)) return true;
    for (const c of letters) {
      const next: [Set<number>, Set<number>] = [step(a, x, c), step(b, y, c)];
      const k = key(...next);
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next);
      }
    }
  }
  return false;
}

/** Whether every string `a` matches is matched by one of `bs` (subset construction over their automata). Throws TooComplexError past the state budget. */
function covered(a: readonly Token[], bs: readonly (readonly Token[])[]): boolean {
  const letters = alphabet([a, ...bs]);
  type State = [Set<number>, Set<number>[]];
  const key = ([x, ys]: State) => [x, ...ys].map((s) => [...s].sort().join(',')).join('|');
  const start: State = [closure(a, [0]), bs.map((b) => closure(b, [0]))];
  const seen = new Set([key(start)]);
  const queue = [start];
  while (queue.length > 0) {
    if (seen.size > STATE_BUDGET) throw new TooComplexError();
    const [x, ys] = queue.shift()!;
    if (x.size === 0) continue;
    if (x.has(a.length) && !ys.some((y, k) => y.has(bs[k]!.length))) return false;
    for (const c of letters) {
      const next: State = [step(a, x, c), ys.map((y, k) => step(bs[k]!, y, c))];
      const k = key(next);
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next);
      }
    }
  }
  return true;
}

/**
 * Whether glob `pattern` matches every string of glob `value` (true), none (false), or some (unknown). A value without
 * wildcards is one string, so the answer is then plain true or false. Case-sensitive, as IAM compares ARNs.
 */
export function globMatches(pattern: string, value: string, { literal = false, ignoreCase = false } = {}): Tri {
  const p = tokens(ignoreCase ? pattern.toLowerCase() : pattern, literal);
  const v = tokens(ignoreCase ? value.toLowerCase() : value);
  if (covered(v, [p])) return true;
  return intersects(v, p) ? 'unknown' : false;
}

/** Whether the globs `patterns` together match every string of glob `space`. */
export function globsCover(patterns: readonly string[], space: string): boolean {
  return covered(
    tokens(space),
    patterns.map((p) => tokens(p)),
  );
}

/** Whether some string of glob `space` matches one of the globs `patterns`. */
export function globsTouch(patterns: readonly string[], space: string): boolean {
  const s = tokens(space);
  return patterns.some((p) => intersects(s, tokens(p)));
}

// ---------------------------------------------------------------------------------------------------------------------
// Requests and statements.

/**
 * One request a service makes under a resource policy. `resource` is a glob of every resource it touches (`undefined`:
 * do not check Resource at all). `context` holds the condition keys (lower-case names) the request carries, each a
 * glob of its value (`true`/`false` for Bool keys); keys in `absent` are known not to be sent (an entry ending in `/`
 * names a family, `aws:principaltag/`); any other key is unknown.
 */
export interface ServiceRequest {
  service: string;
  action: string;
  resource?: string | undefined;
  /** Whether `resource` names exactly what the service writes (false: it has unknown parts, so partial cover is unknown). */
  exactResource?: boolean;
  context: Record<string, string>;
  absent: readonly string[];
}

interface Statement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const list = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** IAM action matching: case-insensitive, `*` any run, `?` one character (IAM User Guide, "IAM JSON policy elements: Action"). */
function actionMatches(pattern: string, action: string): boolean {
  return globMatches(pattern, action, { ignoreCase: true }) === true;
}

function coversAction(s: Statement, action: string): boolean {
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => actionMatches(p, action));
  return list(s.Action).some((p) => actionMatches(p, action));
}

/** Whether a Principal block names the service: `*`, `{"AWS": "*"}` (everyone) or `{"Service": [..., service]}`. */
function namesService(principal: unknown, service: string): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const p = principal as Record<string, unknown>;
  return list(p.Service).some((s) => s.toLowerCase() === service) || list(p.AWS).includes('*');
}

/** Principal: the service is named; NotPrincipal: every principal but those named, so the service unless named. */
function coversService(s: Statement, service: string): boolean {
  if (s.NotPrincipal !== undefined) return !namesService(s.NotPrincipal, service);
  return namesService(s.Principal, service);
}

const NEGATED = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike', 'arnnotequals', 'arnnotlike']);
const UNMODELLED = /^(numeric|date|binary|ipaddress|notipaddress)/;

/** An ARN's six components (`arn:partition:service:region:account:resource`, the resource keeping its own colons). */
function arnComponents(arn: string): string[] | null {
  const parts = arn.split(':');
  return parts.length < 6 ? null : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** ArnLike as IAM reads it: component by component, each a glob (User Guide, "ARN condition operators"). */
function arnComponentsMatch(pattern: string, value: string): Tri {
  if (pattern === '*') return true; // matches any ARN, as a glob does
  const p = arnComponents(pattern);
  const v = arnComponents(value);
  if (!p || !v) return false;
  return and(p.map((part, i) => globMatches(part, v[i]!)));
}

/** One operator with one key, against the request (IAM User Guide, "IAM JSON policy elements: Condition operators"). */
function conditionHolds(operator: string, key: string, values: string[], req: ServiceRequest): Tri {
  let op = operator.toLowerCase();
  let qualifier: 'all' | 'any' | null = null;
  if (op.startsWith('forallvalues:')) [qualifier, op] = ['all', op.slice('forallvalues:'.length)];
  else if (op.startsWith('foranyvalue:')) [qualifier, op] = ['any', op.slice('foranyvalue:'.length)];
  const ifExists = op.endsWith('ifexists');
  if (ifExists) op = op.slice(0, -'ifexists'.length);
  const name = key.toLowerCase();
  const value = req.context[name];
  // An entry ending in `/` names a family of keys (`aws:principaltag/`).
  const known = value !== undefined || req.absent.some((a) => (a.endsWith('/') ? name.startsWith(a) : a === name));
  if (op === 'null') {
    if (!known) return 'unknown';
    return or(values.map((v) => (v.toLowerCase() === 'true') === (value === undefined)));
  }
  if (!known) return 'unknown';
  if (value === undefined) {
    // A key the request does not carry: only IfExists and ForAllValues pass; a negated operator is true (no value matches).
    if (ifExists || qualifier === 'all') return true;
    if (qualifier === 'any') return false;
    return NEGATED.has(op) || op.startsWith('notipaddress') || op.endsWith('notequals');
  }
  if (values.some((v) => v.includes('${'))) return 'unknown'; // a policy variable: not modelled
  const match = (pattern: string): Tri => {
    switch (op) {
      case 'stringequals':
      case 'stringnotequals':
        return globMatches(pattern, value, { literal: true });
      case 'stringequalsignorecase':
      case 'stringnotequalsignorecase':
        return globMatches(pattern, value, { literal: true, ignoreCase: true });
      case 'stringlike':
      case 'stringnotlike':
        return globMatches(pattern, value);
      case 'arnequals':
      case 'arnlike':
      case 'arnnotequals':
      case 'arnnotlike': {
        // IAM checks each of the ARN's six colon-delimited components separately; the whole-text glob is kept too, and
        // where the two readings disagree the answer is unknown (never a sure grant, nor a sure non-deny).
        const whole = globMatches(pattern, value);
        const parts = arnComponentsMatch(pattern, value);
        return whole === parts ? whole : 'unknown';
      }
      case 'bool':
        return pattern.toLowerCase() === value.toLowerCase();
      default:
        return 'unknown';
    }
  };
  if (UNMODELLED.test(op)) return 'unknown';
  const any = or(values.map(match));
  // Several values of a negated operator: true only when none matches (NOR).
  return NEGATED.has(op) ? not(any) : any;
}

/** A Condition block: every operator, every key, must hold (IAM User Guide, "Conditions with multiple context keys or values"). */
function conditionsHold(condition: unknown, req: ServiceRequest): { holds: Tri; unknownKeys: string[] } {
  if (condition === undefined) return { holds: true, unknownKeys: [] };
  if (!condition || typeof condition !== 'object') return { holds: 'unknown', unknownKeys: ['(unreadable Condition)'] };
  const results: Tri[] = [];
  const unknownKeys: string[] = [];
  for (const [operator, keys] of Object.entries(condition as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object') {
      results.push('unknown');
      unknownKeys.push(operator);
      continue;
    }
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
      const holds = conditionHolds(operator, key, values, req);
      if (holds === 'unknown') unknownKeys.push(key);
      results.push(holds);
    }
  }
  return { holds: and(results), unknownKeys };
}

/** One statement's say on the request, or null when its principal or action does not apply. */
interface Applicable {
  name: string;
  effect: 'Allow' | 'Deny';
  holds: Tri;
  unknownKeys: string[];
  /** Resource patterns, or the NotResource patterns when `not`; `*` without either (a key policy's own key). */
  patterns: string[];
  not: boolean;
}

function parseStatements(policy: string | null): Statement[] | null {
  if (policy === null) return [];
  try {
    const raw = (JSON.parse(policy) as { Statement?: unknown }).Statement;
    return (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : []) as Statement[];
  } catch {
    return null;
  }
}

/** What a policy decides for a request; `reasons` in a responder's words, statement ids (or `#<index>`) named. */
export interface PolicyVerdict {
  /** true: allowed on every resource of the request; false: denied (some or all of it); unknown: TrailGuard cannot tell. */
  allowed: Tri;
  /** The Deny statements that (may) apply. */
  deniedBy: string[];
  /** The Allow statements that apply for certain. */
  allowedBy: string[];
  /** Why, when not plainly allowed. */
  reasons: string[];
}

/**
 * Evaluates a resource policy (JSON text; null when the resource has none; text that is no policy allows nothing) for
 * one service request, as IAM does for a service principal that has no identity policy of its own: an explicit Deny
 * that applies wins, else an Allow must apply to every resource of the request, else it is implicitly denied (IAM User
 * Guide, "Policy evaluation logic"). Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition (String*,
 * Arn*, Bool, Null, IfExists, ForAllValues/ForAnyValue; other operators are `unknown`) are read. A Deny whose condition
 * is unknown counts as a possible deny; an Allow whose condition is unknown never counts as a grant.
 */
export function evaluateServiceAccess(policy: string | null, req: ServiceRequest): PolicyVerdict {
  try {
    return evaluate(policy, req);
  } catch (error) {
    if (!(error instanceof TooComplexError)) throw error;
    return { allowed: 'unknown', deniedBy: [], allowedBy: [], reasons: ['its patterns are too complex for TrailGuard to evaluate'] };
  }
}

function evaluate(policy: string | null, req: ServiceRequest): PolicyVerdict {
  const statements = parseStatements(policy);
  if (statements === null) return { allowed: false, deniedBy: [], allowedBy: [], reasons: ['the policy is not valid JSON'] };
  const applicable: Applicable[] = [];
  statements.forEach((s, index) => {
    if (!s || typeof s !== 'object' || (s.Effect !== 'Allow' && s.Effect !== 'Deny')) return;
    if (!coversAction(s, req.action) || !coversService(s, req.service)) return;
    const { holds, unknownKeys } = conditionsHold(s.Condition, req);
    if (holds === false) return;
    const not = s.NotResource !== undefined;
    const patterns = not ? list(s.NotResource) : s.Resource === undefined ? ['*'] : list(s.Resource);
    applicable.push({
      name: typeof s.Sid === 'string' && s.Sid ? s.Sid : `#${index}`,
      effect: s.Effect,
      holds,
      unknownKeys,
      patterns,
      not,
    });
  });
  const space = req.resource;
  // Resource: the statement covers a key of the request; NotResource: a key of the request is outside every pattern.
  const touches = (a: Applicable) => space === undefined || (a.not ? !globsCover(a.patterns, space) : globsTouch(a.patterns, space));
  const denies = applicable.filter((a) => a.effect === 'Deny' && touches(a));
  const reasons: string[] = [];
  const sure = denies.filter((a) => a.holds === true).map((a) => a.name);
  const maybe = denies.filter((a) => a.holds !== true);
  for (const a of maybe) reasons.push(`statement ${a.name} may deny it (TrailGuard cannot evaluate ${a.unknownKeys.join(', ')})`);
  const allows = applicable.filter((a) => a.effect === 'Allow');
  const coverBy = (set: Applicable[]): boolean => {
    if (space === undefined) return set.length > 0;
    if (set.some((a) => a.not && !globsTouch(a.patterns, space))) return true;
    return globsCover(
      set.filter((a) => !a.not).flatMap((a) => a.patterns),
      space,
    );
  };
  const certain = allows.filter((a) => a.holds === true);
  const allowedBy = certain.filter(touches).map((a) => a.name);
  if (sure.length > 0) return { allowed: false, deniedBy: [...sure, ...maybe.map((a) => a.name)], allowedBy, reasons };
  let allowed: Tri;
  if (coverBy(certain)) allowed = maybe.length > 0 ? 'unknown' : true;
  else if (coverBy(allows)) {
    allowed = 'unknown';
    for (const a of allows.filter((x) => x.holds !== true && touches(x)))
      reasons.push(`statement ${a.name} allows it only under a condition TrailGuard cannot evaluate (${a.unknownKeys.join(', ')})`);
  } else if (req.exactResource === false && allows.some(touches)) {
    allowed = 'unknown';
    reasons.push('the statements allowing it name resources TrailGuard cannot compare with what it writes');
  } else allowed = false;
  return { allowed, deniedBy: maybe.map((a) => a.name), allowedBy, reasons };
}
