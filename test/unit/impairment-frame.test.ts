// The shared frame of issue 12: the default watch covers the log-impairment family, and the member rule that forwards
// it stays within EventBridge's pattern size with every name both halves of the issue add.
import { describe, expect, it } from 'vitest';
import { IMPAIRMENT_HANDLERS } from '../../lambda/impairment/index.js';
import { STORAGE_HANDLERS } from '../../lambda/impairment/storage.js';
import { ConfigError } from '#core/errors.js';
import { parseConfig, WATCHED_EVENT_SOURCES, WATCHED_EVENTS } from '#core/config.js';
import { centralTamperPattern, desiredState, EVENT_PATTERN_MAX_CHARS, forwardPattern } from '#core/desired-state.js';
import { IMPAIRMENT_CALLS, isStorageCall } from '#core/impairment-event.js';

const CONFIG = `version: 1
central: { account: "111111111111", region: us-east-1 }
members: { accounts: [{ id: "222222222222" }], regions: [us-east-1] }
`;

interface PatternEntry {
  source: string[];
  'detail-type'?: string[];
  detail?: { eventSource: string[]; eventName: string[] };
}

const LAKE_AND_ORGANIZATIONS = {
  StopEventDataStoreIngestion: 'cloudtrail.amazonaws.com',
  DeleteEventDataStore: 'cloudtrail.amazonaws.com',
  UpdateEventDataStore: 'cloudtrail.amazonaws.com',
  DeregisterOrganizationDelegatedAdmin: 'cloudtrail.amazonaws.com',
  LeaveOrganization: 'organizations.amazonaws.com',
  RemoveAccountFromOrganization: 'organizations.amazonaws.com',
  DisableAWSServiceAccess: 'organizations.amazonaws.com',
  DeregisterDelegatedAdministrator: 'organizations.amazonaws.com',
};

/** The bucket, key and log-group calls the other half of issue 12 adds, with the services that record them. */
describe('the default watch', () => {
  it('covers the CloudTrail Lake and Organizations calls, each with the service that records it', () => {
    const config = parseConfig(CONFIG);

    expect(config.watch).toEqual(expect.arrayContaining(Object.keys(LAKE_AND_ORGANIZATIONS)));
    expect(WATCHED_EVENT_SOURCES).toMatchObject(LAKE_AND_ORGANIZATIONS);
  });

  it('accepts a watch of the new names and names the path of a misspelt one', () => {
    expect(parseConfig(`${CONFIG}watch: [StopLogging, LeaveOrganization]\n`).watch).toEqual(['StopLogging', 'LeaveOrganization']);
    expect(() => parseConfig(`${CONFIG}watch: [StopLogging, LeaveOrganisation]\n`)).toThrow(ConfigError);
    expect(() => parseConfig(`${CONFIG}watch: [StopLogging, LeaveOrganisation]\n`)).toThrow(/watch\[1\]/);
  });

  it('has a handler for every watched call that is not on a trail', () => {
    // The trail's bucket, key and log group go to ./storage.ts (matched to the trail that uses them); the rest to the registry.
    for (const name of IMPAIRMENT_CALLS) {
      expect(isStorageCall(name) ? STORAGE_HANDLERS[name] : IMPAIRMENT_HANDLERS[name], name).toBeDefined();
    }
  });
});

describe('the forward rule pattern', () => {
  it('lists each event source once, with its names, on the member and the central rule', () => {
    const config = parseConfig(CONFIG);
    const rules = desiredState(config, { members: ['222222222222'], codeSha256: 'x' }).filter((r) => r.kind === 'event-rule');
    const forward = rules.find((r) => r.kind === 'event-rule' && r.name === 'trailguard-forward' && r.account === '222222222222');
    const entries = (forward?.kind === 'event-rule' ? (forward.pattern.$or as PatternEntry[]) : []).filter(
      (e) => e['detail-type']?.[0] === 'AWS API Call via CloudTrail' && e.source.includes('aws.cloudtrail'),
    );

    expect(entries.map((e) => e.detail?.eventSource)).toEqual([
      ['cloudtrail.amazonaws.com'],
      ['organizations.amazonaws.com'],
      ['s3.amazonaws.com'],
      ['kms.amazonaws.com'],
      ['logs.amazonaws.com'],
    ]);
    expect(entries[1]).toEqual({
      source: ['aws.cloudtrail', 'aws.organizations'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['organizations.amazonaws.com'],
        eventName: ['LeaveOrganization', 'RemoveAccountFromOrganization', 'DisableAWSServiceAccess', 'DeregisterDelegatedAdministrator'],
      },
    });
    const tamper = rules.find((r) => r.kind === 'event-rule' && r.name === 'trailguard-tamper');
    expect(tamper?.kind === 'event-rule' && tamper.pattern).toEqual(centralTamperPattern(config.watch));
  });

  it('forwards the Organizations calls from us-east-1 through the guard rule when us-east-1 has no forward rule, and only then', () => {
    const rulesOf = (regions: string) =>
      desiredState(parseConfig(CONFIG.replace('regions: [us-east-1]', `regions: [${regions}]`)), {
        members: ['222222222222'],
        codeSha256: 'x',
      }).filter((r) => r.kind === 'event-rule' && r.account === '222222222222');
    const sourcesOf = (rule: (typeof rules)[number] | undefined) =>
      rule?.kind === 'event-rule' ? (rule.pattern.$or as PatternEntry[]).flatMap((e) => e.detail?.eventSource ?? []) : [];
    const rules = rulesOf('eu-west-1');

    const guard = rules.find((r) => r.name === 'trailguard-guard' && r.region === 'us-east-1');
    expect(sourcesOf(guard)).toContain('organizations.amazonaws.com');
    expect(JSON.stringify(guard?.kind === 'event-rule' && guard.pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    // Watched there: the forward rule carries them, and the guard does not, so no call is forwarded twice.
    const watched = rulesOf('us-east-1, eu-west-1').filter((r) => r.region === 'us-east-1');
    expect(sourcesOf(watched.find((r) => r.name === 'trailguard-guard'))).not.toContain('organizations.amazonaws.com');
    expect(sourcesOf(watched.find((r) => r.name === 'trailguard-forward'))).toContain('organizations.amazonaws.com');
  });

  it(`stays within EventBridge's ${EVENT_PATTERN_MAX_CHARS}-character pattern quota with the whole family watched`, () => {
    const size = JSON.stringify(forwardPattern(WATCHED_EVENTS)).length;

    expect(WATCHED_EVENTS).toHaveLength(Object.keys(WATCHED_EVENT_SOURCES).length);
    expect(new Set(Object.values(WATCHED_EVENT_SOURCES)).size).toBe(5);
    expect(size).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  });
});
