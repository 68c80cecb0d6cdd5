// The sweep's snapshot for /trail-status, and the Refresh button that starts a sweep: read from trailguard-state and
// sent to trailguard-sweep in the central account, so the answer stays inside Slack's 3 seconds for 1,000 accounts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import { StateTable, type StatusItem, type SweepItem } from '#core/aws/state-table.js';
import { START_SWEEP_MESSAGE, SWEEP_NAMES } from '#core/sweep.js';
import type { Services } from '../../services.js';
import { accessOf, allowed } from '../../guard.js';

/** Where /trail-status reads the latest sweep and where Refresh starts one. */
export interface SnapshotSource {
  /** The latest sweep and every member-region's snapshot; null when no sweep has written one yet. */
  latest(): Promise<{ sweep: SweepItem | null; items: StatusItem[] } | null>;
  /** Puts the start-a-sweep message on `trailguard-sweep`. */
  startSweep(): Promise<void>;
  /** When the latest sweep started (`sweep/latest` in trailguard-state, shared by every instance), or null. */
  lastSweepStartedAt?(): Promise<Date | null>;
}

/**
 * Milliseconds after a sweep started during which Refresh starts no other: each sweep reads every member (about 30 AWS
 * calls each), so a viewer pressing Refresh in a loop would spend the members' API quotas the remediator needs and
 * queue sweeps ahead of the scheduled one.
 */
export const REFRESH_INTERVAL_MS = 5 * 60_000;

/** The real source: the Slack app's own credentials in the central account (its role may Query the table and send to the queue). */
export function centralSnapshotSource(services: Services): SnapshotSource {
  const { account, region } = services.config.central;
  return {
    async latest() {
      const table = new StateTable(await services.accounts.client(DynamoDBClient, account, region), SWEEP_NAMES.table);
      const [sweep, items] = await Promise.all([table.latestSweep(), table.allStatus()]);
      return items.length ? { sweep, items } : null;
    },
    async lastSweepStartedAt() {
      const table = new StateTable(await services.accounts.client(DynamoDBClient, account, region), SWEEP_NAMES.table);
      const sweep = await table.latestSweep();
      return sweep ? new Date(sweep.startedAt) : null;
    },
    async startSweep() {
      const sqs = await services.accounts.client(SQSClient, account, region);
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: SWEEP_NAMES.queue, QueueOwnerAWSAccountId: account }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(START_SWEEP_MESSAGE) }));
    },
  };
}

/** The Refresh button: acknowledged at once; responders and viewers (like /trail-status, see guard.ts); starts a sweep and says so. */
export function refreshStatus(services: Services, source: SnapshotSource = centralSnapshotSource(services)) {
  // This instance's last start, for presses that come before the sweep has written sweep/latest.
  let startedHere: Date | null = null;
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    // The guard middleware refuses others first; kept here so the listener is safe on its own.
    if (!allowed(accessOf(services.config, services.channel), body.user.id, 'view')) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Only TrailGuard responders and viewers can start a sweep.',
      });
      return;
    }
    try {
      const now = services.now();
      const shared = source.lastSweepStartedAt ? await source.lastSweepStartedAt() : null;
      const last = [startedHere, shared].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
      if (last && now.getTime() - last.getTime() < REFRESH_INTERVAL_MS) {
        const ago = Math.max(0, Math.round((now.getTime() - last.getTime()) / 1000));
        services.log.info('sweep refused: one started recently', { user: body.user.id, startedSecondsAgo: ago });
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: `A sweep started ${ago} s ago; run /trail-status in a minute for its snapshot (Refresh starts at most one sweep every ${REFRESH_INTERVAL_MS / 60_000} minutes).`,
        });
        return;
      }
      startedHere = now;
      await source.startSweep();
      services.log.info('sweep started from Slack', { user: body.user.id });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Sweep started: every member is read again; run /trail-status in a minute for the new snapshot.',
      });
    } catch (error) {
      services.log.error('sweep start from Slack failed', { error: errorText(error) });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `TrailGuard could not start a sweep: ${errorText(error)}`,
      });
    }
  };
}
