// What the trail path and the guard path of the remediator share: the `rejected` result and publishing an alert or throwing.
import type { Alert } from '#core/alert.js';
import { AlertPublishError, errorText } from '#core/errors.js';
import type { Log } from '#core/log.js';

/** A `rejected` result (no AWS call, no alert): only its reason is known. */
export function rejectedResult(reason: string) {
  return {
    outcome: 'rejected' as const,
    account: null,
    region: null,
    trail: null,
    eventId: null,
    eventName: null,
    isLogging: null,
    actions: [] as string[],
    error: null,
    reason,
    alertMessageId: null,
  };
}

/**
 * Publishes `alert` and resolves to the SNS message id. When SNS refuses, logs one error line (with `line`, the
 * decision's log fields) and throws AlertPublishError, so that Lambda's retries, the dead-letter queue or the SQS
 * redrive keep the event: an alert is never dropped.
 */
export async function publishOrThrow(
  deps: { publish(alert: Alert): Promise<string>; log: Log; settings: { topicArn: string } },
  alert: Alert,
  line: Record<string, unknown>,
): Promise<string> {
  try {
    return await deps.publish(alert);
  } catch (error) {
    deps.log.error('alert publish failed; the event will be retried', { ...line, publishError: errorText(error) });
    throw new AlertPublishError(
      `publishing the ${alert.outcome} alert for ${alert.id} to ${deps.settings.topicArn} failed: ${errorText(error)}`,
      {
        cause: error,
      },
    );
  }
}
