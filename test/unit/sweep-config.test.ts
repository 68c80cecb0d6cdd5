import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.js';
import { ConfigError } from '#core/errors.js';

const base = `
version: 1
central: { account: "111111111111", region: us-east-1 }
members:
  accounts:
    - { id: "222222222222" }
`;

function issues(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('sweep config', () => {
  it('defaults to a sweep every 15 minutes, 10 accounts at a time', () => {
    const config = parseConfig(base);

    expect(config.sweep).toEqual({ schedule: 'rate(15 minutes)', concurrency: 10 });
  });

  it('null turns the schedule off; cron and rate expressions are kept as written', () => {
    expect(parseConfig(`${base}sweep: { schedule: null }`).sweep.schedule).toBeNull();
    expect(parseConfig(`${base}sweep: { schedule: "rate(1 hour)", concurrency: 2 }`).sweep).toEqual({
      schedule: 'rate(1 hour)',
      concurrency: 2,
    });
    expect(parseConfig(`${base}sweep: { schedule: "cron(0/15 * * * ? *)" }`).sweep.schedule).toBe('cron(0/15 * * * ? *)');
  });

  it.each([
    ['schedule: "every 15 minutes"', 'sweep.schedule: expected rate(<n> minutes|hours|days), cron(...) or null'],
    ['schedule: "rate(1 minutes)"', 'sweep.schedule: expected rate(<n> minutes|hours|days), cron(...) or null'],
    ['schedule: "rate(15 minute)"', 'sweep.schedule: expected rate(<n> minutes|hours|days), cron(...) or null'],
    ['schedule: "rate(0 minutes)"', 'sweep.schedule: expected rate(<n> minutes|hours|days), cron(...) or null'],
    ['concurrency: 1', 'sweep.concurrency: expected 2 to 1000 (SQS event source MaximumConcurrency)'],
    ['concurrency: 1001', 'sweep.concurrency: expected 2 to 1000 (SQS event source MaximumConcurrency)'],
    ['concurrency: 2.5', 'sweep.concurrency: expected 2 to 1000 (SQS event source MaximumConcurrency)'],
    ['concurrency: "10"', 'sweep.concurrency: expected 2 to 1000 (SQS event source MaximumConcurrency)'],
    ['every: 5', 'sweep.every: unknown field'],
  ])('refuses %s, naming the field', (line, message) => {
    expect(issues(`${base}sweep: { ${line} }`)).toEqual([message]);
  });
});
