import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, FIXTURES, SHARED_FIXTURES } from '../support/fixtures.js';

describe('sample events', () => {
  it('are all in the repository', () => {
    for (const name of FIXTURE_NAMES) expect(existsSync(join(FIXTURES, `${name}.json`))).toBe(true);
  });

  // The copies must not drift from ../shared/fixtures, which code outside this repository reads too.
  it.runIf(existsSync(SHARED_FIXTURES))('match ../shared/fixtures byte for byte', () => {
    for (const name of FIXTURE_NAMES) {
      expect(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')).toBe(readFileSync(join(SHARED_FIXTURES, `${name}.json`), 'utf8'));
    }
  });
});
