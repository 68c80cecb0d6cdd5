// Trail ARNs: one parser for every partition the SDK knows, refusing names and partitions CloudTrail would not.
import { describe, expect, it } from 'vitest';
import { isKnownRegion, parseTrailArn, splitTrailArn } from '#core/arn.js';

describe('parseTrailArn', () => {
  it.each([
    ['arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit', 'aws'],
    ['arn:aws-cn:cloudtrail:cn-north-1:222222222222:trail/org-audit', 'aws-cn'],
    ['arn:aws-us-gov:cloudtrail:us-gov-west-1:222222222222:trail/org-audit', 'aws-us-gov'],
    ['arn:aws-eusc:cloudtrail:eusc-de-east-1:222222222222:trail/org-audit', 'aws-eusc'],
  ])('reads %s', (arn, partition) => {
    expect(parseTrailArn(arn)).toMatchObject({ partition, account: '222222222222', name: 'org-audit' });
  });

  it.each([
    ['a partition that is not the region’s', 'arn:aws-cn:cloudtrail:us-east-1:222222222222:trail/org-audit'],
    ['an unknown region', 'arn:aws:cloudtrail:eu-wst-1:222222222222:trail/org-audit'],
    ['a forbidden name', 'arn:aws:cloudtrail:us-east-1:222222222222:trail/my--namespace'],
    ['an IP-address name', 'arn:aws:cloudtrail:us-east-1:222222222222:trail/10.0.0.1'],
    ['a short account', 'arn:aws:cloudtrail:us-east-1:2222:trail/org-audit'],
    ['another resource type', 'arn:aws:cloudtrail:us-east-1:222222222222:eventdatastore/abc'],
  ])('refuses %s', (_, arn) => {
    expect(parseTrailArn(arn)).toBeNull();
  });

  it('splits a structurally valid ARN without judging its name, so callers can say what is wrong', () => {
    expect(splitTrailArn('arn:aws:cloudtrail:us-east-1:222222222222:trail/my--namespace')).toMatchObject({ name: 'my--namespace' });
  });
});

describe('isKnownRegion', () => {
  it.each(['us-east-1', 'eusc-de-east-1', 'us-gov-west-1', 'cn-northwest-1'])('knows %s', (region) =>
    expect(isKnownRegion(region)).toBe(true),
  );
  it.each(['eu-wst-1', 'us-east-9', 'aws-global', 'US-EAST-1', ''])('does not know %j', (region) =>
    expect(isKnownRegion(region)).toBe(false),
  );
});
