// Writers: create, update or delete one resource so that it matches the desired state (each kind's module in
// src/core/aws/kinds/ does the writing).
import { GLOBAL, type Resource } from '../desired-state.js';
import type { Change, Observed } from '../plan.js';
import type { Accounts } from './accounts.js';
import { kindIo, removableKinds } from './kinds/index.js';

export interface WriterOptions {
  accounts: Accounts;
  homeRegion: string;
  /** The remediator zip (deterministic: its CodeSha256 is in the desired state). */
  code: Buffer;
  /** The Slack app's zip, with `slack.deploy: lambda`. */
  slackCode?: Buffer;
  /** Waits between retries of a role Lambda cannot assume yet (IAM is eventually consistent). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Makes one planned change (its kind module's apply, or remove for a delete). A conflict changes nothing; a delete of a
 * kind whose module cannot delete, or a create/update without its desired resource, throws before any AWS call.
 * AWS errors propagate.
 */
export async function applyChange(
  change: Change,
  resource: Resource | undefined,
  observed: Observed | undefined,
  options: WriterOptions,
): Promise<void> {
  const { accounts } = options;
  const { account } = change;
  const region = change.region === GLOBAL ? options.homeRegion : change.region;
  const sleep = options.sleep ?? defaultSleep;
  if (change.action === 'conflict') return;
  if (change.action === 'delete') {
    const remove = kindIo(change.kind).remove;
    if (!remove) throw new Error(`TrailGuard deletes only ${removableKinds().join(', ')}, not ${change.kind}`);
    await remove(change, { accounts, account, region, code: options.code, sleep });
    return;
  }
  if (!resource) throw new Error(`no desired resource for ${change.key}`);
  const ids = observed?.exists ? (observed.ids ?? {}) : {};
  await kindIo(resource.kind).apply(resource as never, {
    accounts,
    account,
    region,
    create: change.action === 'create',
    fields: new Set(change.fields),
    ids,
    code: options.code,
    ...(options.slackCode ? { slackCode: options.slackCode } : {}),
    sleep,
  });
}
