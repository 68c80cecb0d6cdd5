// The bundles the action deploys: dist/remediator/ zipped deterministically, and dist/slack-app-lambda/ (slack.deploy: lambda).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeSha256, createZip, type ZipEntry } from '../core/zip.js';

/** dist/remediator beside the action bundle, or in the repository when running from source. */
export function findRemediatorDir(env: NodeJS.ProcessEnv = process.env): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    env.TRAILGUARD_REMEDIATOR_DIR,
    join(here, 'remediator'), // dist/index.js -> dist/remediator
    resolve(here, '..', 'remediator'), // dist/cli/index.js -> dist/remediator
    resolve(here, '..', '..', 'dist', 'remediator'), // src/action -> dist/remediator
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((dir) => existsSync(join(dir, 'index.js')));
  if (!found) throw new Error(`remediator bundle not found (looked in ${candidates.join(', ')}); run \`npm run build\``);
  return found;
}

export function loadRemediatorCode(dir = findRemediatorDir()): { zip: Buffer; sha256: string; dir: string } {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const zip = createZip(walk(dir).map((file) => ({ path: relative(dir, file), data: readFileSync(file) })));
  return { zip, sha256: codeSha256(zip), dir };
}

/** dist/slack-app-lambda beside the action bundle, or in the repository when running from source. */
export function findSlackLambdaDir(env: NodeJS.ProcessEnv = process.env): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    env.TRAILGUARD_SLACK_LAMBDA_DIR,
    join(here, 'slack-app-lambda'), // dist/index.js -> dist/slack-app-lambda
    resolve(here, '..', 'slack-app-lambda'), // dist/cli/index.js -> dist/slack-app-lambda
    resolve(here, '..', '..', 'dist', 'slack-app-lambda'), // src/action -> dist/slack-app-lambda
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((dir) => existsSync(join(dir, 'index.js')));
  if (!found) throw new Error(`the Slack app's Lambda bundle was not found (looked in ${candidates.join(', ')}); run \`npm run build\``);
  return found;
}

/** Every file of the Slack Lambda bundle, paths relative to it: the core zips them with the config (`slackAppCode`). */
export function loadSlackLambdaBundle(dir = findSlackLambdaDir()): ZipEntry[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  return walk(dir).map((file) => ({ path: relative(dir, file), data: readFileSync(file) }));
}
