// Which statements of the alerts topic's policy admit someone outside the central account: each is a way to subscribe
// to the alerts (reconnaissance) or post forged ones, so each must be reported; SNS's own default statement must not.
import { describe, expect, it } from 'vitest';
import { foreignTopicStatements } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';

const CENTRAL = '111111111111';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const names = (text: string) => foreignTopicStatements(text, CENTRAL).map((s) => s.name);

describe('statements of the trailguard-alerts policy that admit another principal', () => {
  it('reports each way in: Subscribe or Receive for another account, any action for everyone in an organization, a service without a source condition', () => {
    const text = policy(
      { Sid: 'subscribe', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::333333333333:root' }, Action: 'SNS:Subscribe', Resource: TOPIC },
      { Sid: 'receive', Effect: 'Allow', Principal: { AWS: ['333333333333'] }, Action: ['sns:Receive'], Resource: TOPIC },
      {
        Sid: 'org',
        Effect: 'Allow',
        Principal: '*',
        Action: 'sns:*',
        Resource: TOPIC,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } },
      },
      { Sid: 'events', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: TOPIC },
    );

    expect(names(text)).toEqual(['subscribe', 'receive', 'org', 'events']);
    expect(foreignTopicStatements(text, CENTRAL)[0]).toEqual({
      name: 'subscribe',
      principals: ['arn:aws:iam::333333333333:root'],
      actions: ['SNS:Subscribe'],
    });
  });

  it('a condition on AWS:SourceOwner pins the caller only as an equality: StringNotEquals admits everyone else', () => {
    const text = policy({
      Sid: 'inverted',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:Subscribe', 'SNS:Publish'],
      Resource: TOPIC,
      Condition: { StringNotEquals: { 'AWS:SourceOwner': CENTRAL } },
    });

    expect(names(text)).toEqual(['inverted']);
  });

  it("SNS's default statement (owner only), the central account's own roles, a Deny and no policy are not reported (control)", () => {
    const text = policy(
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['SNS:GetTopicAttributes', 'SNS:Subscribe', 'SNS:Publish'],
        Resource: TOPIC,
        Condition: { StringEquals: { 'AWS:SourceOwner': CENTRAL } },
      },
      { Sid: 'own', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CENTRAL}:role/ops` }, Action: 'SNS:Publish', Resource: TOPIC },
      { Sid: 'deny', Effect: 'Deny', Principal: '*', Action: 'SNS:Subscribe', Resource: TOPIC },
    );

    expect(names(text)).toEqual([]);
    expect(foreignTopicStatements(undefined, CENTRAL)).toEqual([]);
  });
});

describe('alerts.acceptedSubscriptions in trailguard.yml', () => {
  it('refuses an unknown protocol or an empty endpoint, naming the path of the field', () => {
    const config = (acceptedSubscriptions: unknown) => () =>
      validateConfig({
        version: 1,
        central: { account: CENTRAL, region: 'us-east-1' },
        members: { accounts: [{ id: '222222222222' }] },
        alerts: { acceptedSubscriptions },
      });

    expect(config([{ protocol: 'smtp', endpoint: 'a@example.com' }])).toThrow(
      /alerts\.acceptedSubscriptions\[0\]\.protocol: expected one of http, https/,
    );
    expect(config([{ protocol: 'email', endpoint: '' }])).toThrow(
      /alerts\.acceptedSubscriptions\[0\]\.endpoint: expected the endpoint exactly as SNS lists it/,
    );
    expect(config([{ protocol: 'email', endpoint: 'oncall@example.com' }])().alerts.acceptedSubscriptions).toEqual([
      { protocol: 'email', endpoint: 'oncall@example.com' },
    ]);
  });
});
