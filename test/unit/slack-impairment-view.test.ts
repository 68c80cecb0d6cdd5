// The Slack message of a Lake, Organizations or delivery-failing alert (issue 12): what was impaired, whether it is back,
// and why, in words a responder reads at 3 a.m.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../slack-app/store/types.js';
import { alertMessage } from '../../slack-app/views/alert.js';
import { type Alert, buildAlert, buildImpairmentAlert, parseAlert } from '#core/alert.js';
import { parseImpairmentEvent } from '#core/impairment-event.js';
import { parseTamperEvent } from '#core/tamper-event.js';
import { loadCase } from '../support/cases.js';
import { loadFixture } from '../support/fixtures.js';

const incident = (alert: Alert): Incident => ({
  id: alert.id,
  alert,
  receivedAt: new Date().toISOString(),
  state: 'posted',
  channel: 'C1',
  ts: '1.1',
  parentId: null,
  count: 1,
  acknowledgedBy: null,
  acknowledgedAt: null,
  attempts: 0,
  nextAttemptAt: '',
  lastError: null,
  statusLine: null,
  digest: false,
  sendingAt: null,
});
const textOf = (m: unknown) => JSON.stringify(m);
const STORE = 'arn:aws:cloudtrail:us-east-1:222222222222:eventdatastore/EXAMPLE-ee54-4813-92d5-999aeEXAMPLE';

describe('log-impairment alert message', () => {
  it('names the event data store, says it is back and is a warning (case 15)', () => {
    const event = parseImpairmentEvent(loadCase('15-lake-stop-event-data-store-ingestion').event);
    const alert = buildImpairmentAlert(
      event,
      {
        outcome: 'restarted',
        isLogging: true,
        remediatedAt: '2026-11-28T10:02:15Z',
        error: null,
        actions: ['StartEventDataStoreIngestion'],
        changes: ['ingestion stopped'],
        reason: 'ingestion restarted and verified (status ENABLED)',
      },
      { type: 'event-data-store', name: 'EXAMPLE-ee54-4813-92d5-999aeEXAMPLE', arn: STORE, restored: true },
    );

    const message = alertMessage(incident(parseAlert(JSON.stringify(alert))), { accountName: 'payments-prod' });

    expect(message.text).toBe(
      '⚠️ StopEventDataStoreIngestion on EXAMPLE-ee54-4813-92d5-999aeEXAMPLE in 222222222222 (us-east-1): restarted',
    );
    expect(textOf(message)).toContain('*CloudTrail Lake event data store*\\nEXAMPLE-ee54-4813-92d5-999aeEXAMPLE');
    expect(textOf(message)).toContain('Put back and verified');
  });

  it('says an account that left is not put back, and why (case 17, had it succeeded)', () => {
    const record = loadCase('17-stratus-organizations-leave').event;
    delete record.detail.errorCode;
    const event = parseImpairmentEvent(record);
    const alert = buildImpairmentAlert(
      event,
      {
        outcome: 'alert-only',
        isLogging: null,
        remediatedAt: null,
        error: null,
        actions: ['DescribeOrganization'],
        changes: ['account 222222222222 left the organization'],
        reason: 'account 222222222222 is out of the organization: organization trails no longer log it',
      },
      { type: 'account', name: '222222222222', arn: null, restored: false },
    );

    const message = alertMessage(incident(parseAlert(JSON.stringify(alert))), { accountName: 'payments-prod' });

    expect(message.attachments[0]!.color).toBe('#E01E5A');
    expect(textOf(message)).toContain('*Account*\\n222222222222');
    expect(textOf(message)).toContain('*NOT put back*');
    expect(textOf(message)).toContain('organization trails no longer log it');
  });

  it('makes delivery-failing urgent and quotes CloudTrail', () => {
    const alert = buildAlert(parseTamperEvent(loadFixture('stop-logging')), {
      outcome: 'delivery-failing',
      isLogging: true,
      remediatedAt: null,
      error: 'CloudTrail cannot deliver log files to its S3 bucket: nothing it records is kept: AccessDenied',
      actions: [],
      changes: ['LatestDeliveryError: AccessDenied'],
    });

    const message = alertMessage(incident(parseAlert(JSON.stringify(alert))), { accountName: 'payments-prod' });

    expect(message.text).toMatch(/^🚨 StopLogging on org-audit .*: delivery-failing$/);
    expect(textOf(message)).toContain('cannot deliver log files to its S3 bucket');
  });
});
