// Bundles the remediator Lambda (and the action, once it exists) with ncc into dist/ and prints their sizes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules', '.bin', 'ncc');

/** What gets bundled: entry -> output folder (relative to the dist folder). */
export const TARGETS = [
  { name: 'remediator', entry: 'lambda/remediator.ts', out: 'remediator' },
  { name: 'action', entry: 'src/action/index.ts', out: '.' },
  { name: 'cli', entry: 'src/cli-entry.ts', out: 'cli' },
];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

export function build(distDir = join(root, 'dist'), log = (line) => process.stdout.write(`${line}\n`)) {
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  for (const target of TARGETS) {
    if (!existsSync(join(root, target.entry))) continue;
    const out = join(distDir, target.out);
    // Build into a scratch folder first: ncc empties its output folder, and the action shares dist/.
    const scratch = join(distDir, `.build-${target.name}`);
    execFileSync(ncc, ['build', target.entry, '-o', scratch, '--minify', '--quiet', '--no-source-map-register', '--target', 'es2022'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    mkdirSync(out, { recursive: true });
    for (const file of files(scratch)) {
      const dest = join(out, relative(scratch, file));
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(file, dest);
    }
    rmSync(scratch, { recursive: true, force: true });
    const bytes = statSync(join(out, 'index.js')).size;
    log(`${target.name}: ${relative(root, join(out, 'index.js'))} ${(bytes / 1024).toFixed(0)} KiB`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) build();
