// The remediator's decisions: what a tamper event calls for, carried out through injected CloudTrail access.
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AlertFacts, Outcome } from '#core/alert.js';
import { arnMatches, roleOfPrincipal, trailArn } from '#core/arn.js';
import { AssumeRoleError } from '#core/aws/assume-role.js';
import type { Organization, TrailBaseline } from '#core/config.js';
import { errorText, RemediationError } from '#core/errors.js';
import {
  baselineDrift,
  createTrail,
  getEventSelectors,
  getTrail,
  getTrailStatus,
  isNotFound,
  logGroupArnOf,
  putEventSelectors,
  resolveBaseline,
  s3BucketNameOf,
  startLogging,
  topicArnOf,
  updateTrailToBaseline,
  type TrailLocation,
  type TrailStatus,
} from '#core/aws/cloudtrail.js';
import type { DeliveryFinding } from '#core/delivery.js';
import {
  describeSelectors,
  managementFullyRecorded,
  normalizeSelectors,
  restoreManagementEvents,
  type Selectors,
} from '#core/event-selectors.js';
import type { Actor, TamperEvent } from '#core/tamper-event.js';
import { RecordedSteps } from './steps.js';

export interface RemediationPolicy {
  /** Role name TrailGuard assumes in members: its own changes must not trigger it again. */
  remediationRole: string;
  /** Principal ARN patterns whose changes are reported, not reverted. */
  allow: string[];
  /** Baseline trails: restore or recreate to these. */
  trails: TrailBaseline[];
  /** Management account and CloudTrail delegated administrators: where organization trails are recreated. */
  organization?: Organization | null;
}

export interface RemediateDeps {
  /** A CloudTrail client acting in `account` (assumed role) in `region`. Throws AssumeRoleError when the role cannot be assumed. */
  cloudtrail(account: string, region: string): Promise<CloudTrailClient>;
  /** A KMS client acting in `account` in `region`: resolves a baseline's key alias (kms:DescribeKey). */
  kms?(account: string, region: string): Promise<KMSClient>;
  /**
   * The management account of the organization `account` belongs to (Organizations
   * DescribeOrganization's MasterAccountId, called with TrailGuard's role in `account`); null when
   * it belongs to none. Asked only when `organization` is not configured and a baseline trail is
   * deleted, so that the management account's trail is never recreated as a one-account trail.
   */
  managementAccountOf?(account: string): Promise<string | null>;
  now(): Date;
}

export interface Decision extends Omit<AlertFacts, 'outcome'> {
  outcome: Exclude<Outcome, 'rejected'>;
  /** Why: one short sentence for the log. */
  reason: string;
  /** Delivery failures the trail's last GetTrailStatus reported (alerted `delivery-failing`); absent when none was read. */
  delivery?: DeliveryFinding[];
}

const BASELINE_FIELDS: Record<string, keyof TrailBaseline> = {
  s3BucketName: 's3BucketName',
  isMultiRegionTrail: 'isMultiRegionTrail',
  includeGlobalServiceEvents: 'includeGlobalServiceEvents',
  enableLogFileValidation: 'enableLogFileValidation',
  s3KeyPrefix: 's3KeyPrefix',
  kmsKeyId: 'kmsKeyId',
  snsTopicName: 'snsTopicName',
  cloudWatchLogsLogGroupArn: 'cloudWatchLogsLogGroupArn',
  cloudWatchLogsRoleArn: 'cloudWatchLogsRoleArn',
  isOrganizationTrail: 'isOrganizationTrail',
};

/** What the tamper call changed, as far as its request tells. */
export function describeChanges(event: TamperEvent): string[] {
  switch (event.eventName) {
    case 'StopLogging':
      return ['logging stopped'];
    case 'DeleteTrail':
      return ['trail deleted'];
    case 'UpdateTrail':
      return Object.entries(event.requestParameters)
        .filter(([key]) => key !== 'name')
        .map(([key, value]) => `${key} -> ${JSON.stringify(value)}`);
    case 'PutEventSelectors':
      return [`event selectors set to: ${describeSelectors(normalizeSelectors(event.requestParameters))}`];
  }
}

/**
 * The account that owns the trail: the one its ARN names. An organization trail's ARN names the
 * management account even when a delegated administrator calls it, so the call's account
 * (`event.account`) is not where the trail can be repaired.
 */
export function trailOwner(event: TamperEvent): string {
  return event.trail.account;
}

function baselineFor(policy: RemediationPolicy, event: TamperEvent): TrailBaseline | undefined {
  return policy.trails.find((t) => t.name === event.trail.name);
}

/** True when the call was made with TrailGuard's own role in the account it was made in. */
export function isOwnRole(policy: Pick<RemediationPolicy, 'remediationRole'>, event: { actor: Actor; account: string }): boolean {
  const role = roleOfPrincipal(event.actor.issuerArn ?? event.actor.arn);
  return role !== null && role.roleName === policy.remediationRole && role.account === event.account;
}

/**
 * The `allow` pattern the caller matches, if any. The issuer ARN, when CloudTrail gives it, carries
 * the role's path: a session is then matched as a role only through it.
 */
export function allowPatternOf(allow: readonly string[], actor: Actor): string | undefined {
  const { arn, issuerArn } = actor;
  return allow.find((pattern) =>
    issuerArn ? arnMatches(pattern, arn, { sessionAsRole: false }) || arnMatches(pattern, issuerArn) : arnMatches(pattern, arn),
  );
}

/** Same setting, in any form CloudTrail accepts for it (bucket ARN or name, topic name or ARN, log group with or without `:*`). */
function sameSetting(field: keyof TrailBaseline, requested: unknown, wanted: unknown, where: TrailLocation): boolean {
  if (typeof requested !== 'string' || typeof wanted !== 'string') return requested === wanted;
  switch (field) {
    case 's3BucketName':
      return s3BucketNameOf(requested) === s3BucketNameOf(wanted);
    case 'snsTopicName':
      return topicArnOf(requested, where) === topicArnOf(wanted, where);
    case 'cloudWatchLogsLogGroupArn':
      return logGroupArnOf(requested) === logGroupArnOf(wanted);
    default:
      return requested === wanted;
  }
}

/**
 * The baseline's KMS alias when the UpdateTrail set `kmsKeyId` and that alias lives in the account
 * that made the call (a bare `alias/…` names the trail's account): its administrators can retarget
 * the alias to their own key first, so "the key matches the alias" is no evidence. Null otherwise.
 */
function aliasControlledByCaller(event: TamperEvent, baseline: TrailBaseline): string | null {
  const wanted = baseline.kmsKeyId;
  if (!wanted || event.requestParameters.kmsKeyId === undefined) return null;
  if (wanted.startsWith('alias/')) return trailOwner(event) === event.account ? wanted : null;
  const arn = /^arn:[^:]+:kms:[^:]*:(\d{12}):alias\//.exec(wanted);
  return arn && arn[1] === event.account ? wanted : null;
}

/** Request fields of an UpdateTrail (other than the name) that the baseline does not pin. */
function unpinnedChanges(event: TamperEvent, baseline: TrailBaseline | undefined): string[] {
  return Object.keys(event.requestParameters).filter((key) => {
    if (key === 'name') return false;
    const field = BASELINE_FIELDS[key];
    return field === undefined || baseline?.[field] === undefined;
  });
}

/** Stable text of a selectors value: key order and casing of the source do not matter. */
function selectorsKey(trail: string, selectors: Selectors): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sort(v)]),
          )
        : value;
  const canonical = normalizeSelectors(selectors as unknown as Record<string, unknown>);
  return `${trail}\n${JSON.stringify(sort(canonical))}`;
}

/**
 * The PutEventSelectors calls this remediator made, so that their CloudTrail records (delivered
 * back to it) can be recognised. A selectors request alone cannot show whether data-event
 * selectors were dropped; only the one who made the call knows what it kept. A record this
 * instance did not make (another Lambda instance, or someone else using TrailGuard's role) is
 * handled as tampering: an extra alert, never a blind spot.
 */
class OwnWrites {
  private readonly entries = new Map<string, number>();
  private static readonly TTL_MS = 60 * 60_000;
  private static readonly MAX = 1000;

  record(key: string, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, now + OwnWrites.TTL_MS);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= OwnWrites.MAX) break;
      this.entries.delete(oldest);
    }
  }

  has(key: string, now: number): boolean {
    const until = this.entries.get(key);
    return until !== undefined && until > now;
  }
}

// One record per set of dependencies, i.e. per handler (a Lambda instance): no state shared between tests or handlers.
const ownWrites = new WeakMap<RemediateDeps, OwnWrites>();
function ownWritesOf(deps: RemediateDeps): OwnWrites {
  let writes = ownWrites.get(deps);
  if (!writes) ownWrites.set(deps, (writes = new OwnWrites()));
  return writes;
}

/**
 * Loop protection without a blind spot: a call made with TrailGuard's own role is ignored only
 * when it is one TrailGuard makes towards the baseline: an UpdateTrail whose every field is the
 * baseline's, or a PutEventSelectors this remediator made itself. StopLogging, DeleteTrail, an
 * UpdateTrail away from the baseline, or selectors it did not write are tampering, whoever holds
 * the role; and so is a failed attempt at any of them (reported `blocked`).
 */
function isOwnRestoration(policy: RemediationPolicy, event: TamperEvent, deps: RemediateDeps): boolean {
  if (!isOwnRole(policy, event)) return false;
  switch (event.eventName) {
    case 'UpdateTrail': {
      const baseline = baselineFor(policy, event);
      if (!baseline) return false;
      const where = { region: event.region, account: trailOwner(event) };
      return Object.entries(event.requestParameters).every(([key, value]) => {
        if (key === 'name') return true;
        const field = BASELINE_FIELDS[key];
        return field !== undefined && baseline[field] !== undefined && sameSetting(field, value, baseline[field], where);
      });
    }
    case 'PutEventSelectors':
      return ownWritesOf(deps).has(selectorsKey(event.trail.arn, normalizeSelectors(event.requestParameters)), deps.now().getTime());
    default:
      return false;
  }
}

class Step extends RecordedSteps {
  /** The last GetTrailStatus answer: its delivery errors are alerted after the remediation. */
  lastStatus: TrailStatus | null = null;
  constructor(
    readonly event: TamperEvent,
    readonly client: CloudTrailClient,
    /** The account the client acts in: the trail's owner, or where an organization trail is recreated. */
    readonly account: string,
  ) {
    super();
  }

  /** GetTrailStatus, remembered as the latest status. */
  async status(trail: string): Promise<TrailStatus> {
    this.lastStatus = await this.run('GetTrailStatus', () => getTrailStatus(this.client, trail));
    return this.lastStatus;
  }

  protected subject(): string {
    return `trail ${this.event.trail.name} in ${this.account}/${this.event.region}`;
  }
}

/** Makes sure the trail logs: GetTrailStatus, and StartLogging plus a second check only when it does not. */
async function ensureLogging(step: Step, trail = step.event.trail.arn): Promise<{ isLogging: boolean; restarted: boolean }> {
  const { client } = step;
  const status = await step.status(trail);
  if (status.isLogging) return { isLogging: true, restarted: false };
  await step.run('StartLogging', () => startLogging(client, trail));
  return { isLogging: (await step.status(trail)).isLogging, restarted: true };
}

type Remedy = Pick<Decision, 'outcome' | 'isLogging' | 'reason'>;

/** The baseline in CloudTrail's reported forms; an alias is resolved with kms:DescribeKey where the trail lives. */
async function resolvedBaseline(step: Step, baseline: TrailBaseline, where: TrailLocation, deps: RemediateDeps) {
  return resolveBaseline(baseline, where, (keyId) =>
    step.run('DescribeKey', async () => {
      if (!deps.kms) throw Object.assign(new Error('this remediator has no KMS access to resolve the alias'), { name: 'KmsUnavailable' });
      // Loaded on first use: few events name a KMS alias, and every cold start would parse the KMS client otherwise.
      const { describeKeyArn } = await import('#core/aws/kms.js');
      return describeKeyArn(await deps.kms(where.account, where.region), keyId);
    }),
  );
}

/**
 * Reads the trail back and compares it with the baseline: the only proof that a restore or a
 * recreate took. Returns the fields that still differ (empty when verified).
 */
async function verifyBaseline(
  step: Step,
  trail: string,
  baseline: TrailBaseline,
  where: TrailLocation,
  deps: RemediateDeps,
): Promise<string[] | null> {
  const wanted = await resolvedBaseline(step, baseline, where, deps);
  const current = await step.run('GetTrail', () => getTrail(step.client, trail));
  return current ? baselineDrift(wanted, current, where) : null;
}

/**
 * Accounts allowed to create an organization trail, in the order TrailGuard tries them: the
 * management account, then each CloudTrail delegated administrator (CloudTrail API reference,
 * CreateTrail.IsOrganizationTrail).
 */
function organizationTrailCreators(policy: RemediationPolicy): string[] {
  const org = policy.organization;
  return org ? [org.managementAccount, ...org.delegatedAdministrators] : [];
}

/**
 * A client in the first account allowed to create an organization trail that TrailGuard can
 * reach, or why there is none. AWS makes the management account the owner either way.
 */
async function reachOrganizationTrailCreator(
  policy: RemediationPolicy,
  baseline: TrailBaseline,
  event: TamperEvent,
  deps: RemediateDeps,
): Promise<{ account: string; client: CloudTrailClient } | { reason: string; error: string }> {
  const creators = organizationTrailCreators(policy);
  const unreachable: string[] = [];
  const errors: string[] = [];
  for (const account of creators) {
    try {
      return { account, client: await deps.cloudtrail(account, event.region) };
    } catch (error) {
      if (!(error instanceof AssumeRoleError)) throw error;
      unreachable.push(`${account} (${error.code})`);
      errors.push(error.message);
    }
  }
  const reason =
    `cannot recreate organization trail ${baseline.name}: TrailGuard's role ${policy.remediationRole} cannot be assumed in ${unreachable.join(', ') || 'any account (organization is not configured)'}; ` +
    'deploy it to the management account (roles.deployOverrides names the role the action uses there) or to a CloudTrail delegated administrator';
  return { reason, error: [reason, ...errors].join('; ') };
}

async function recreate(
  event: TamperEvent,
  policy: RemediationPolicy,
  baseline: TrailBaseline,
  step: Step,
  deps: RemediateDeps,
): Promise<Remedy> {
  let trail = event.trail.arn;
  let where: TrailLocation = { region: event.region, account: step.account };
  if (baseline.isOrganizationTrail && policy.organization) {
    // Whoever creates it, the management account owns an organization trail: that is its ARN.
    const management = policy.organization.managementAccount;
    trail = trailArn(event.region, management, baseline.name);
    where = { region: event.region, account: management };
  }
  try {
    await step.run(baseline.isOrganizationTrail ? 'CreateTrail: organization trail' : 'CreateTrail', () =>
      createTrail(step.client, baseline),
    );
  } catch (error) {
    if (!(error instanceof RemediationError) || error.code !== 'TrailAlreadyExistsException') throw error;
    // Someone recreated it first: make sure it matches the baseline instead.
    await step.run('UpdateTrail', () => updateTrailToBaseline(step.client, trail, baseline));
  }
  const { isLogging } = await ensureLogging(step, trail);
  const drift = await verifyBaseline(step, trail, baseline, where, deps);
  if (drift === null) return { outcome: 'failed', isLogging, reason: 'CreateTrail succeeded but the trail cannot be read back' };
  if (drift.length > 0)
    return { outcome: 'failed', isLogging, reason: `trail recreated but it still differs from the baseline: ${drift.join(', ')}` };
  if (!isLogging) return { outcome: 'failed', isLogging, reason: 'trail recreated but it does not report logging' };
  return {
    outcome: 'recreated',
    isLogging,
    reason: baseline.isOrganizationTrail
      ? `organization trail recreated in ${step.account}, verified an organization trail and logging`
      : 'trail recreated from the baseline and logging',
  };
}

/**
 * Why a deleted trail whose baseline leaves isOrganizationTrail unset may have been an
 * organization trail, or null. Recreating it as a one-account trail and reporting `recreated`
 * would hide that every member account stopped being logged, so TrailGuard only alerts.
 */
async function mayBeOrganizationTrail(
  policy: RemediationPolicy,
  event: TamperEvent,
  owner: string,
  deps: RemediateDeps,
): Promise<string | null> {
  const pin = 'set isOrganizationTrail (true or false) on this baseline trail to have it recreated';
  if (owner !== event.account) {
    return `trail ${event.trail.name} is owned by ${owner} but deleted from ${event.account}: only an organization trail can be, and the baseline does not say it is one; ${pin}`;
  }
  let management = policy.organization?.managementAccount ?? null;
  if (!policy.organization && deps.managementAccountOf) {
    // Without `organization` in the config, ask AWS: a case-13 world must not get a one-account trail back as "recreated".
    try {
      management = await deps.managementAccountOf(owner);
    } catch (error) {
      return `trail ${event.trail.name} was deleted and TrailGuard could not tell whether ${owner} is the organization's management account (organizations:DescribeOrganization: ${errorText(error)}), so it may have been the organization trail; ${pin}`;
    }
  }
  if (management === owner) {
    return `trail ${event.trail.name} was in the management account ${owner} and may have been the organization trail, which the baseline does not say; ${pin}`;
  }
  return null;
}

async function remedyFor(event: TamperEvent, policy: RemediationPolicy, step: Step, deps: RemediateDeps): Promise<Remedy> {
  const { client } = step;
  const trail = event.trail.arn;
  const where: TrailLocation = { region: event.region, account: step.account };
  const baseline = baselineFor(policy, event);
  switch (event.eventName) {
    case 'StopLogging': {
      // The critical path: StartLogging is idempotent, so no read before it.
      await step.run('StartLogging', () => startLogging(client, trail));
      const { isLogging } = await step.status(trail);
      return isLogging
        ? { outcome: 'restarted', isLogging, reason: 'logging restarted and verified' }
        : { outcome: 'failed', isLogging, reason: 'StartLogging succeeded but the trail still reports not logging' };
    }
    case 'DeleteTrail': {
      const ambiguous =
        baseline && baseline.isOrganizationTrail === undefined ? await mayBeOrganizationTrail(policy, event, step.account, deps) : null;
      if (!baseline || ambiguous) {
        const exists = await step.run('GetTrail', () => getTrail(client, trail));
        const isLogging = exists ? (await step.status(trail)).isLogging : false;
        return { outcome: 'alert-only', isLogging, reason: ambiguous ?? 'no baseline names this trail, so it cannot be recreated' };
      }
      return recreate(event, policy, baseline, step, deps);
    }
    case 'UpdateTrail': {
      let restored = false;
      if (baseline) {
        const wanted = await resolvedBaseline(step, baseline, where, deps);
        const current = await step.run('GetTrail', () => getTrail(client, trail));
        if (!current) return { outcome: 'failed', isLogging: false, reason: 'the trail no longer exists' };
        const drift = baselineDrift(wanted, current, where);
        if (drift.length > 0) {
          await step.run(`UpdateTrail: ${drift.join(', ')}`, () => updateTrailToBaseline(client, trail, baseline));
          restored = true;
          const after = await step.run('GetTrail', () => getTrail(client, trail));
          const still = after ? baselineDrift(wanted, after, where) : drift;
          if (still.length > 0) {
            const { isLogging } = await step.status(trail);
            return {
              outcome: 'failed',
              isLogging,
              reason: `UpdateTrail succeeded but the trail still differs from the baseline: ${still.join(', ')}`,
            };
          }
        }
      }
      const { isLogging, restarted } = await ensureLogging(step);
      restored ||= restarted;
      if (!isLogging) return { outcome: 'failed', isLogging, reason: 'the trail does not report logging after remediation' };
      if (!baseline) return { outcome: 'alert-only', isLogging, reason: 'no baseline names this trail: settings reported, not restored' };
      const unpinned = unpinnedChanges(event, baseline);
      if (unpinned.length > 0) {
        // A change the baseline does not pin cannot be judged: above all IsOrganizationTrail=false,
        // which keeps this trail logging while every member account stops being logged.
        const hint = unpinned.includes('isOrganizationTrail')
          ? ' (pin isOrganizationTrail in the baseline to have an organization trail restored)'
          : '';
        return {
          outcome: 'alert-only',
          isLogging,
          reason: `${restored ? 'baseline settings restored, but the' : 'the'} call changed settings the baseline does not pin: ${unpinned.join(', ')}; reported, not restored${hint}`,
        };
      }
      const alias = aliasControlledByCaller(event, baseline);
      if (!restored && alias) {
        return {
          outcome: 'alert-only',
          isLogging,
          reason:
            `the call set kmsKeyId, and the baseline's ${alias} is an alias in ${event.account}, the account that made the call, whose administrators can point it at any key: ` +
            'the key matches the alias now, which proves nothing; pin the key ARN (or an alias ARN in an account members do not administer)',
        };
      }
      return restored
        ? { outcome: 'restored', isLogging, reason: 'trail settings restored to the baseline and verified' }
        : { outcome: 'already-compliant', isLogging, reason: 'trail already matches the baseline' };
    }
    case 'PutEventSelectors': {
      const current = await step.run('GetEventSelectors', () => getEventSelectors(client, trail));
      let restored = false;
      if (!managementFullyRecorded(current)) {
        const wanted = restoreManagementEvents(current);
        // Recorded before the call: its CloudTrail record may come back before this returns.
        ownWritesOf(deps).record(selectorsKey(trail, wanted), deps.now().getTime());
        await step.run('PutEventSelectors: all management events', () => putEventSelectors(client, trail, wanted));
        restored = true;
        const after = await step.run('GetEventSelectors', () => getEventSelectors(client, trail));
        if (!managementFullyRecorded(after)) {
          const { isLogging } = await step.status(trail);
          return {
            outcome: 'failed',
            isLogging,
            reason: 'PutEventSelectors succeeded but the trail still does not record every management event',
          };
        }
      }
      const { isLogging, restarted } = await ensureLogging(step);
      restored ||= restarted;
      if (!isLogging) return { outcome: 'failed', isLogging, reason: 'the trail does not report logging after remediation' };
      if (baseline?.isOrganizationTrail) {
        // An organization trail is never reported as fine unless AWS shows it still is one.
        const now = await step.run('GetTrail', () => getTrail(client, trail));
        if (now?.IsOrganizationTrail !== true) {
          return {
            outcome: 'failed',
            isLogging,
            reason: 'GetTrail does not show isOrganizationTrail, which the baseline pins: the member accounts are not logged by this trail',
          };
        }
      }
      return restored
        ? { outcome: 'restored', isLogging, reason: 'management events recorded again' }
        : { outcome: 'already-compliant', isLogging, reason: 'management events are still fully recorded' };
    }
  }
}

/** Why TrailGuard could not act where the trail lives, and what to configure. */
function unreachableOwnerReason(policy: RemediationPolicy, event: TamperEvent, owner: string): string {
  const management = policy.organization?.managementAccount === owner;
  return (
    `trail ${event.trail.name} is owned by ${owner}, not by ${event.account} where the call was made, and TrailGuard's role ${policy.remediationRole} ` +
    `cannot be assumed in ${owner}: list ${owner} in members so the action deploys the role there` +
    (management
      ? ' (for the management account, name the role the action uses there in roles.deployOverrides)'
      : ', and set organization.managementAccount if it is the management account')
  );
}

/** Decides and carries out the response to one tamper event. Never throws for AWS errors: they become `failed`. */
export async function remediate(event: TamperEvent, policy: RemediationPolicy, deps: RemediateDeps): Promise<Decision> {
  const changes = describeChanges(event);
  const base = { changes, actions: [] as string[], error: null, remediatedAt: null, isLogging: null };
  if (isOwnRestoration(policy, event, deps)) {
    return {
      ...base,
      outcome: 'ignored',
      reason: `TrailGuard's own call towards the baseline, made with its role ${policy.remediationRole}`,
    };
  }
  const ownRole = isOwnRole(policy, event) ? ` with TrailGuard's own role ${policy.remediationRole}` : '';
  if (event.errorCode) {
    return { ...base, outcome: 'blocked', reason: `the call${ownRole} itself failed with ${event.errorCode}: nothing changed` };
  }
  const allowedBy = allowPatternOf(policy.allow, event.actor);
  if (allowedBy) {
    return { ...base, outcome: 'allowed', reason: `actor matches allow pattern ${allowedBy}: reported, not reverted` };
  }
  const owner = trailOwner(event);
  const baseline = baselineFor(policy, event);
  let step: Step | undefined;
  try {
    let remedy: Remedy;
    if (event.eventName === 'DeleteTrail' && baseline?.isOrganizationTrail) {
      // Recreated where AWS allows it, which need not be where the deleted trail's ARN pointed.
      const creator = await reachOrganizationTrailCreator(policy, baseline, event, deps);
      if ('reason' in creator) return { ...base, outcome: 'failed', isLogging: null, error: creator.error, reason: creator.reason };
      step = new Step(event, creator.client, creator.account);
      remedy = await recreate(event, policy, baseline, step, deps);
    } else {
      let client: CloudTrailClient;
      try {
        client = await deps.cloudtrail(owner, event.region);
      } catch (error) {
        if (error instanceof AssumeRoleError && owner !== event.account) {
          return { ...base, outcome: 'failed', error: errorText(error), reason: unreachableOwnerReason(policy, event, owner) };
        }
        throw error;
      }
      step = new Step(event, client, owner);
      remedy = await remedyFor(event, policy, step, deps);
    }
    const changed = ['restarted', 'restored', 'recreated'].includes(remedy.outcome);
    const reason = `${remedy.reason}${ownRole ? ` (the call was made${ownRole}, not towards the baseline)` : ''}`;
    return {
      ...base,
      ...remedy,
      reason,
      delivery: step.lastStatus?.delivery ?? [],
      actions: step.actions,
      remediatedAt: changed ? deps.now().toISOString() : null,
      error: remedy.outcome === 'failed' ? remedy.reason : null,
    };
  } catch (error) {
    const message = errorText(error);
    const notFound = error instanceof RemediationError && isNotFound(error.cause);
    return {
      ...base,
      actions: step?.actions ?? [],
      outcome: 'failed',
      isLogging: notFound ? false : null,
      error: message,
      reason: notFound ? 'the trail no longer exists' : 'remediation failed',
    };
  }
}
