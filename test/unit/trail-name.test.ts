// CloudTrail's trail-name rules, in the one validator the config and the event parser share.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { ConfigError } from '#core/errors.js';
import { trailNameProblem } from '#core/trail-name.js';

const valid = ['org-audit', 'abc', 'a.b_c-d', 'A1', 'x'.repeat(128), 'Trail2026', '1.2.3', 'my-namespace', '10.0.0.1a'].filter(
  (n) => n.length >= 3,
);
const invalid: [string, RegExp][] = [
  ['ab', /3-128/],
  ['x'.repeat(129), /3-128/],
  ['-trail', /start/],
  ['trail-', /end/],
  ['.trail', /start/],
  ['trail_', /end/],
  ['my-_namespace', /adjacent/],
  ['my--namespace', /adjacent/],
  ['my..trail', /adjacent/],
  ['my._trail', /adjacent/],
  ['192.168.5.4', /IP address/],
  ['10.0.0.1', /IP address/],
  ['trail name', /letters/],
  ['trail/name', /letters/],
  ['trail:name', /letters/],
  ['tráil', /letters/],
  ['', /3-128/],
];

describe('trailNameProblem', () => {
  it.each(valid)('accepts %s', (name) => {
    expect(trailNameProblem(name)).toBeNull();
  });

  it.each(invalid)('rejects %j', (name, why) => {
    expect(trailNameProblem(name)).toMatch(why);
  });
});

describe('the config baseline uses the same rule', () => {
  const config = (name: string) => ({
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: '222222222222' }] },
    trails: [
      { name: 'org-audit', s3BucketName: 'central-trail-logs' },
      { name, s3BucketName: 'central-trail-logs' },
    ],
  });

  it.each(['my-_namespace', 'my--namespace', '192.168.5.4'])('reports trails[1].name for %s', (name) => {
    let error: unknown;
    try {
      validateConfig(config(name));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: 'trails[1].name', message: trailNameProblem(name) }]);
  });

  it('accepts a valid name', () => {
    expect(validateConfig(config('audit.trail_2')).trails[1]!.name).toBe('audit.trail_2');
  });
});
