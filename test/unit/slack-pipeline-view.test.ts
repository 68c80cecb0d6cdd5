// Pipeline alerts in Slack: which rule or role, whether it is back, urgent colour; digests name the resource too.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../slack-app/store/types.js';
import { alertMessage } from '../../slack-app/views/alert.js';
import { digestReplies } from '../../slack-app/views/digest.js';
import { buildPipelineAlert, parseAlert, type Alert } from '#core/alert.js';
import { parsePipelineEvent, type PipelineCall } from '#core/pipeline-event.js';
import { guardEvent } from '../support/guard-events.js';

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

function pipelineAlert(call: PipelineCall, restored: boolean | null, name?: string): Alert {
  const event = parsePipelineEvent(guardEvent(call, { region: 'us-east-1', ...(name ? { name } : {}) }));
  const arn =
    event.resource.kind === 'iam-role'
      ? `arn:aws:iam::222222222222:role/${event.resource.name}`
      : `arn:aws:events:us-east-1:222222222222:rule/${event.resource.name}`;
  const alert = buildPipelineAlert(event, {
    outcome: 'pipeline-tampered',
    resourceArn: arn,
    restored,
    remediatedAt: restored ? '2026-11-20T10:01:04Z' : null,
    error: null,
    actions: restored ? ['PutRule: recreated', 'PutTargets: central bus'] : [],
    changes: ['rule deleted'],
  });
  // Through the SNS body, as the Slack app receives it.
  return parseAlert(JSON.stringify(alert));
}
const textOf = (m: unknown) => JSON.stringify(m);

describe('pipeline alert message', () => {
  it('names the rule, says it was restored, and is urgent', () => {
    const message = alertMessage(incident(pipelineAlert('DeleteRule', true)), { accountName: 'payments-prod' });

    expect(message.text).toBe('🚨 DeleteRule on trailguard-forward in 222222222222 (us-east-1): pipeline-tampered');
    expect(message.attachments[0]!.color).toBe('#E01E5A');
    expect(textOf(message)).toContain('*EventBridge rule*\\ntrailguard-forward');
    expect(textOf(message)).toContain('Restored to its desired definition and verified');
    expect(textOf(message)).not.toContain('*Trail*');
  });

  it('tells the responder a tampered role is not restored and how to repair it', () => {
    const message = alertMessage(incident(pipelineAlert('PutRolePolicy', false, 'trailguard-forwarder')), { accountName: 'payments-prod' });

    expect(textOf(message)).toContain('*IAM role*\\ntrailguard-forwarder');
    expect(textOf(message)).toContain('*NOT restored*: run `trailguard apply` to repair the role');
  });

  it('names the resource in a storm digest line', () => {
    const [reply] = digestReplies([pipelineAlert('DisableRule', true, 'trailguard-guard')], () => 'payments-prod');

    expect(textOf(reply)).toContain('DisableRule on trailguard-guard (us-east-1)');
  });
});
