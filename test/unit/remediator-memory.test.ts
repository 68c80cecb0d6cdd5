// `remediator.memoryMb`: the remediator function's memory size (and so its CPU share), chosen from the cold-start
// benchmark by default, overridable in trailguard.yml, checked with its path before any AWS call.
import { describe, expect, it } from 'vitest';
import { parseConfig, REMEDIATOR_MEMORY_MB } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';
import { ConfigError } from '#core/errors.js';

const withRemediator = (remediator: string) => `
version: 1
central: { account: "111111111111", region: us-east-1 }
members: { accounts: [{ id: "222222222222" }], regions: [us-east-1] }
${remediator}
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

const functionMemory = (text: string) => {
  const fn = desiredState(parseConfig(text), { members: ['222222222222'], codeSha256: 'sha' }).find((r) => r.kind === 'lambda-function');
  return fn?.kind === 'lambda-function' ? fn.memorySize : undefined;
};

describe('remediator.memoryMb', () => {
  it('defaults to the measured size, with or without a remediator section, and the function is deployed with it', () => {
    expect(REMEDIATOR_MEMORY_MB).toBe(1769);
    expect(parseConfig(withRemediator('')).remediator).toEqual({ delivery: 'direct', memoryMb: REMEDIATOR_MEMORY_MB });
    expect(parseConfig(withRemediator('remediator: { delivery: queue }')).remediator.memoryMb).toBe(REMEDIATOR_MEMORY_MB);
    expect(functionMemory(withRemediator(''))).toBe(REMEDIATOR_MEMORY_MB);
  });

  it('deploys the function with the size trailguard.yml gives', () => {
    expect(functionMemory(withRemediator('remediator: { memoryMb: 1769 }'))).toBe(1769);
    expect(functionMemory(withRemediator('remediator: { memoryMb: 128 }'))).toBe(128);
  });

  it.each([
    ['100', 'below Lambda’s 128'],
    ['10241', 'above Lambda’s 10240'],
    ['512.5', 'not whole megabytes'],
    ['"1024"', 'a string'],
    ['null', 'null'],
  ])('refuses %s (%s), naming remediator.memoryMb', (value) => {
    expect(issues(withRemediator(`remediator: { memoryMb: ${value} }`))).toEqual([
      'remediator.memoryMb: expected whole megabytes from 128 to 10240 (Lambda’s range), such as 1769',
    ]);
  });
});
