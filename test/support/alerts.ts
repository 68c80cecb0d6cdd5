// trailguard.alert/v1 messages for tests.
import type { TrailAlert as Alert } from '#core/alert.js';

export function makeAlert(overrides: Partial<Alert> & { account?: string } = {}): Alert {
  const account = overrides.account ?? '222222222222';
  const region = overrides.region ?? 'us-east-1';
  const trail = overrides.trail?.name ?? 'org-audit';
  return {
    schema: 'trailguard.alert/v1',
    id: crypto.randomUUID(),
    eventName: 'StopLogging',
    region,
    trail: { name: trail, arn: `arn:aws:cloudtrail:${region}:${account}:trail/${trail}` },
    actor: {
      arn: `arn:aws:sts::${account}:assumed-role/AdminAccess/jdoe`,
      type: 'AssumedRole',
      sourceIp: '203.0.113.24',
      userAgent: 'aws-cli/2.22.4',
      issuerArn: `arn:aws:iam::${account}:role/AdminAccess`,
    },
    eventTime: new Date(Date.now() - 4000).toISOString(),
    outcome: 'restarted',
    isLogging: true,
    remediatedAt: new Date().toISOString(),
    error: null,
    actions: ['StartLogging', 'GetTrailStatus'],
    changes: ['logging stopped'],
    callError: null,
    reason: null,
    trigger: 'event',
    resolves: null,
    ...overrides,
    account,
  };
}
