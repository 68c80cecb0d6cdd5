// Helpers every kind's AWS half shares: "does not exist" across services, tags, policy documents, pages.
import { errorCode } from '../../errors.js';
import { MANAGED_TAG } from '../../names.js';

const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'ResourceNotFound',
  'NotFound',
  'NotFoundException',
  'AWS.SimpleQueueService.NonExistentQueue',
  'QueueDoesNotExist',
]);

/** Whether an AWS error says the resource does not exist (each service has its own code for it). */
export function isMissing(error: unknown): boolean {
  return NOT_FOUND.has(errorCode(error));
}

/** `undefined` when the resource does not exist; other errors propagate. */
export async function orMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Every item of every page an SDK paginator yields. */
export async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

export const managedIn = (tags: { Key?: string; Value?: string }[] | undefined) =>
  (tags ?? []).some((t) => t.Key === MANAGED_TAG.key && t.Value === MANAGED_TAG.value);
/** IAM returns policy documents URL-encoded. */
export const parsePolicy = (text: string | undefined) => (text ? (JSON.parse(decodeURIComponent(text)) as unknown) : undefined);

/** The managed tag, as list-tagging services (IAM, EventBridge, SNS) and map-tagging ones (SQS, Lambda) take it. */
export const TAG_LIST = [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }];
export const TAG_MAP = { [MANAGED_TAG.key]: MANAGED_TAG.value };

/** A resource-policy statement as EventBridge, Lambda and SNS return it. */
export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
