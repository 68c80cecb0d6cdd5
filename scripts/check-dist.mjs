// Fails when dist/ differs from a fresh build of the sources: dist/ is committed and must match them.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
const files = (dir) =>
  walk(dir)
    .map((f) => relative(dir, f))
    .sort();

const fresh = mkdtempSync(join(tmpdir(), 'trailguard-dist-'));
try {
  build(fresh, () => undefined);
  const committed = join(root, 'dist');
  const want = files(fresh);
  let have = [];
  try {
    have = files(committed);
  } catch {
    have = [];
  }
  const problems = [
    ...want.filter((f) => !have.includes(f)).map((f) => `missing: dist/${f}`),
    ...have.filter((f) => !want.includes(f)).map((f) => `not built from the sources: dist/${f}`),
    ...want
      .filter((f) => have.includes(f) && !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))))
      .map((f) => `stale: dist/${f}`),
  ];
  if (problems.length > 0) {
    console.error(`dist/ does not match the sources; run \`npm run build\` and commit dist/:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`dist/ is current (${want.length} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
