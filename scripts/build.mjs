// Bundles the remediator Lambda, the action, the CLI and the Slack app (server and Lambda) with ncc into dist/ and prints their sizes.
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
  // `node dist/slack-app/server.js`: the HTTP server with its SQLite store (ncc copies better-sqlite3's native addon beside it).
  { name: 'slack-app', entry: 'slack-app/server.ts', out: 'slack-app', main: 'server.js' },
  // The Slack app on Lambda (handler `index.handler`): DynamoDB store, so no native module and no SQLite code.
  { name: 'slack-app-lambda', entry: 'slack-app/lambda.ts', out: 'slack-app-lambda' },
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
      const name = relative(scratch, file);
      const dest = join(out, target.main && name === 'index.js' ? target.main : name);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(file, dest);
    }
    rmSync(scratch, { recursive: true, force: true });
    const main = join(out, target.main ?? 'index.js');
    log(`${target.name}: ${relative(root, main)} ${(statSync(main).size / 1024).toFixed(0)} KiB`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) build();
