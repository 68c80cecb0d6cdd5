// What `trailguard init` writes: a commented trailguard.yml built from what it found in AWS (pure: no I/O).
import { Document, isScalar, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { AUTO_REGIONS, DEFAULT_ROLES, issuesOf, TrailBaselineSchema, type TrailBaseline, WATCHED_EVENTS } from './config.js';

/** A trail's settings as CloudTrail's GetTrail reports them (its field names); absent fields are unset. */
export interface TrailSettings {
  S3BucketName?: string;
  S3KeyPrefix?: string;
  IsMultiRegionTrail?: boolean;
  IncludeGlobalServiceEvents?: boolean;
  LogFileValidationEnabled?: boolean;
  KmsKeyId?: string;
  SnsTopicARN?: string;
  CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string;
  IsOrganizationTrail?: boolean;
}

/** One trail, listed once however many members see it (an organization trail is listed by every member). */
export interface FoundTrail {
  arn: string;
  name: string;
  homeRegion: string;
  /** The account its ARN names: the one that owns it (the management account for an organization trail). */
  owner: string;
  /** GetTrail's answer, or null when it could not be read (`error` says why). */
  settings: TrailSettings | null;
  error?: string;
}

/** What `trailguard init` found: the caller, its Organization, the members, their trails, and what it could not read. */
export interface Findings {
  central: { account: string; region: string };
  /** From Organizations DescribeOrganization; null when the caller's account is in none or may not ask. */
  organization: { id: string; managementAccount: string } | null;
  /** How the members were chosen: the Organization's ACTIVE accounts, or `--accounts`. */
  membersFrom: 'organization' | 'accounts';
  members: { id: string; name: string | null }[];
  trails: FoundTrail[];
  /** Members whose trails could not be listed (no role to assume, ListTrails denied...). */
  unreadable: { account: string; error: string }[];
}

export interface InitialConfig {
  /** The file: YAML 1.2, account ids quoted, parsed by `parseConfig`. */
  text: string;
  /** The baseline it pins, as written. */
  baseline: TrailBaseline[];
  /** Members it added beyond what was found or asked for, with why. */
  added: { id: string; why: string }[];
  /** What the file leaves out or could not find; printed to stderr. A gap is also a comment in the file. */
  gaps: string[];
  /** Things to do before `apply` that the file cannot do (a deploy role in the management account). */
  todo: string[];
}

/** GetTrail's answer as a baseline entry: every setting CloudTrail reports, so restore and recreate match it exactly. */
export function baselineOf(name: string, s: TrailSettings): Record<string, unknown> {
  return {
    name,
    s3BucketName: s.S3BucketName,
    ...(s.S3KeyPrefix ? { s3KeyPrefix: s.S3KeyPrefix } : {}),
    isMultiRegionTrail: s.IsMultiRegionTrail === true,
    includeGlobalServiceEvents: s.IncludeGlobalServiceEvents === true,
    enableLogFileValidation: s.LogFileValidationEnabled === true,
    ...(s.KmsKeyId ? { kmsKeyId: s.KmsKeyId } : {}),
    ...(s.SnsTopicARN ? { snsTopicName: s.SnsTopicARN } : {}),
    ...(s.CloudWatchLogsLogGroupArn ? { cloudWatchLogsLogGroupArn: s.CloudWatchLogsLogGroupArn } : {}),
    ...(s.CloudWatchLogsRoleArn ? { cloudWatchLogsRoleArn: s.CloudWatchLogsRoleArn } : {}),
    // Pinned either way: unset, a deleted trail of the management account would only be alerted, never recreated.
    isOrganizationTrail: s.IsOrganizationTrail === true,
  };
}

/**
 * The baseline from the trails found. A baseline entry applies to every member's trail of that name, so a name whose
 * trails differ (another bucket in each account) is left out rather than pinned to one account's settings, and so is
 * a trail whose settings the config schema refuses; each such trail is a gap naming the field.
 */
export function chooseBaseline(trails: readonly FoundTrail[]): { baseline: TrailBaseline[]; gaps: string[] } {
  const byName = new Map<string, FoundTrail[]>();
  for (const t of trails) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
  const baseline: TrailBaseline[] = [];
  const gaps: string[] = [];
  for (const [name, found] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const unread = found.filter((t) => !t.settings);
    for (const t of unread) gaps.push(`trail ${t.arn} could not be read (${t.error ?? 'unknown error'}): not in the baseline`);
    const entries = found.flatMap((t) => (t.settings ? [{ trail: t, entry: baselineOf(name, t.settings) }] : []));
    if (entries.length === 0 || unread.length > 0) {
      if (entries.length > 0) gaps.push(`trail name ${name}: not pinned while one of its trails is unread`);
      continue;
    }
    const distinct = new Map(entries.map((e) => [JSON.stringify(e.entry), e]));
    if (distinct.size > 1) {
      const [first, ...others] = [...distinct.values()];
      const fields = new Set(
        others.flatMap((o) =>
          Object.keys({ ...first!.entry, ...o.entry }).filter((k) => JSON.stringify(first!.entry[k]) !== JSON.stringify(o.entry[k])),
        ),
      );
      gaps.push(
        `trail name ${name}: its trails differ in ${[...fields].join(', ')} (${entries.map((e) => e.trail.arn).join(', ')}): not pinned; add the one TrailGuard should restore to trails`,
      );
      continue;
    }
    const parsed = TrailBaselineSchema.safeParse(entries[0]!.entry);
    if (!parsed.success) {
      const why = issuesOf(parsed.error)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ');
      gaps.push(`trail ${entries[0]!.trail.arn}: ${why}: not pinned`);
      continue;
    }
    baseline.push(entries[0]!.entry as TrailBaseline);
  }
  return { baseline, gaps };
}

function quoteAccount(node: unknown): void {
  if (isScalar(node)) (node as Scalar).type = 'QUOTE_DOUBLE';
}

function keyOf(map: YAMLMap, key: string): Scalar | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.key as Scalar | undefined;
}

/** ` text` per line: yaml's comment format (each line is printed after `#`). */
function comment(...lines: string[]): string {
  return lines.map((l) => ` ${l}`).join('\n');
}

/**
 * Renders trailguard.yml from `found`: the caller's account and region as `central`, the members, `regions: auto`, the
 * Organization (`organizationId`, `organization.managementAccount`) when found, and the baseline (`chooseBaseline`).
 * The management account is added to the members when an organization trail is pinned (only its role can repair
 * one). Strings are quoted by the yaml library where YAML 1.2 would read them as another type; account ids always are.
 */
export function renderInitialConfig(found: Findings, now: Date): InitialConfig {
  const { baseline, gaps } = chooseBaseline(found.trails);
  for (const u of found.unreadable)
    gaps.unshift(`account ${u.account}: trails not listed (${u.error}); none of its trails is in the baseline`);
  const members = found.members.map((m) => ({ id: m.id, ...(m.name && m.name !== m.id ? { name: m.name.slice(0, 64) } : {}) }));
  const added: InitialConfig['added'] = [];
  const orgTrail = baseline.find((t) => t.isOrganizationTrail);
  const management =
    found.organization?.managementAccount ?? (orgTrail ? found.trails.find((t) => t.name === orgTrail.name)?.owner : undefined);
  let organizationActive = false;
  if (management) {
    organizationActive = members.some((m) => m.id === management);
    if (!organizationActive && orgTrail) {
      members.push({ id: management, name: 'management' });
      added.push({
        id: management,
        why: `the management account: it owns organization trail ${orgTrail.name}, which only TrailGuard's role there can recreate or restore`,
      });
      organizationActive = true;
    }
  }
  const todo: string[] = [];
  if (management && organizationActive && management !== found.central.account) {
    todo.push(
      `the management account ${management} has no ${DEFAULT_ROLES.deploy}: create a deploy role there (same policy and boundary as the apply role, trusting it) and name it in roles.deployOverrides`,
    );
  }

  const doc = new Document(
    {
      version: 1,
      central: { account: found.central.account, region: found.central.region },
      ...(found.organization ? { organizationId: found.organization.id } : {}),
      ...(management && organizationActive ? { organization: { managementAccount: management, delegatedAdministrators: [] } } : {}),
      members: { accounts: members, regions: AUTO_REGIONS },
      roles: { deploy: DEFAULT_ROLES.deploy, remediation: DEFAULT_ROLES.remediation, plan: null },
      trails: baseline,
      remediator: { delivery: 'direct' },
    },
    { version: '1.2' },
  );
  const root = doc.contents as YAMLMap;
  const at = (path: string[]) => doc.getIn(path, true) as Node;

  doc.commentBefore = comment(
    `trailguard.yml, written by \`trailguard init\` on ${now.toISOString().slice(0, 10)} from what account ${found.central.account} found in ${found.central.region}.`,
    'Review it, then `trailguard plan` shows what `trailguard apply` would deploy. Every field is described in the README, "trailguard.yml".',
  );
  const central = at(['central']) as YAMLMap;
  central.flow = true;
  quoteAccount(central.get('account', true));
  keyOf(root, 'central')!.commentBefore = comment(
    "The central (security) account, where the event bus, the remediator and the alert topic live: the caller's.",
  );
  if (found.organization)
    keyOf(root, 'organizationId')!.commentBefore = comment('The bus admits the whole Organization with one aws:PrincipalOrgID statement.');
  if (management && organizationActive) {
    const org = at(['organization']) as YAMLMap;
    quoteAccount(org.get('managementAccount', true));
    keyOf(root, 'organization')!.commentBefore = comment(
      'Who administers CloudTrail for the Organization: the management account owns every organization trail.',
      'List CloudTrail delegated administrators (at most 3) under delegatedAdministrators: they may recreate one.',
    );
  }
  if (management && !organizationActive) {
    keyOf(root, 'members')!.commentBefore = comment(
      `The management account ${management} owns every organization trail; to let TrailGuard repair them, list it in`,
      `members.accounts and add: organization: { managementAccount: "${management}" }`,
    );
  }
  const memberMap = at(['members']) as YAMLMap;
  const accounts = memberMap.get('accounts', true) as unknown as YAMLSeq;
  accounts.items.forEach((item, index) => {
    const map = item as YAMLMap;
    map.flow = true;
    quoteAccount(map.get('id', true));
    const extra = added.find((a) => a.id === members[index]!.id);
    if (extra) map.comment = comment(`added: ${extra.why}`);
  });
  keyOf(memberMap, 'accounts')!.commentBefore = comment(
    found.membersFrom === 'organization'
      ? `The ACTIVE accounts of the Organization${found.organization ? ` ${found.organization.id}` : ''} today. Or, instead of the list,`
      : 'The accounts given with --accounts. Or, instead of the list,',
    '`organization: true` follows the Organization on every run (minus `exclude: [...]`).',
  );
  (memberMap.get('regions', true) as Scalar).comment = comment(
    'every region where a member trail lives, plus the central region; found again on every run',
  );
  const roles = at(['roles']) as YAMLMap;
  keyOf(root, 'roles')!.commentBefore = comment(
    'Roles: deploy is assumed in members by apply; remediation is created in members for the remediator.',
  );
  const planKey = keyOf(roles, 'plan')!;
  planKey.commentBefore = comment(
    ...(todo.length
      ? [`deployOverrides: { "${management}": TrailGuardDeploy }   # the management account has no ${DEFAULT_ROLES.deploy}`]
      : []),
    'A read-only role in members for plan and status (`trailguard iam member-plan-role`); null: they assume deploy.',
  );
  const trailsKey = keyOf(root, 'trails')!;
  trailsKey.commentBefore = comment(
    'The baseline: TrailGuard restores a changed trail to these settings and recreates a deleted one from them.',
    'Read from CloudTrail (GetTrail) today; a trail name applies to that trail in every member account.',
    ...gaps.filter((g) => g.startsWith('trail')).map((g) => `NOT PINNED: ${g}`),
  );
  if (baseline.length === 0) (at(['trails']) as YAMLSeq).flow = true;
  const unreadable = gaps.filter((g) => g.startsWith('account'));
  if (unreadable.length) keyOf(memberMap, 'regions')!.commentBefore = comment(...unreadable.map((g) => `NOT READ: ${g}`));
  keyOf(root, 'remediator')!.commentBefore = comment(
    'direct: tamper rule -> remediator Lambda (with a dead-letter queue); queue: rule -> SQS -> Lambda.',
  );
  doc.comment = comment(
    "Slack alerts: create the app from slack-app/manifest.yml (TrailGuard's repository), then set its channel:",
    'slack: { channel: C0123456789, responders: [] }',
    'The calls that stop, delete or weaken a trail that TrailGuard watches (default: all of them):',
    `watch: [${WATCHED_EVENTS.join(', ')}]`,
  );
  return { text: doc.toString({ lineWidth: 0 }), baseline, added, gaps, todo };
}
