// Installs the pinned moto into .venv when missing and runs moto_server on a free loopback port.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(repoRoot, '.venv');
const requirements = join(repoRoot, 'requirements-moto.txt');

/** The moto version pinned in requirements-moto.txt. */
export function pinnedMotoVersion(): string {
  const match = /^moto\[server\]==([\w.]+)\s*$/m.exec(readFileSync(requirements, 'utf8'));
  if (!match?.[1]) throw new Error(`${requirements}: expected a line moto[server]==<version>`);
  return match[1];
}

function installedMotoVersion(): string | null {
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python) || !existsSync(join(venv, 'bin', 'moto_server'))) return null;
  try {
    return execFileSync(python, ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

async function withLock<T>(fn: () => T): Promise<T> {
  const lock = join(repoRoot, '.venv.lock');
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 300_000) throw new Error(`${lock} held for 5 minutes; remove it if no install is running`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Makes sure .venv holds the pinned moto; installs it from PyPI when it does not. */
export async function ensureMoto(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const wanted = pinnedMotoVersion();
  if (installedMotoVersion() === wanted) return join(venv, 'bin', 'moto_server');
  return withLock(() => {
    if (installedMotoVersion() === wanted) return join(venv, 'bin', 'moto_server');
    log(`Installing moto ${wanted} into ${venv} (first run only, about a minute)...`);
    if (!existsSync(join(venv, 'bin', 'python'))) {
      execFileSync(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    }
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements], {
      stdio: 'inherit',
    });
    const got = installedMotoVersion();
    if (got !== wanted) throw new Error(`moto install finished but reports version ${got ?? 'none'}, expected ${wanted}`);
    return join(venv, 'bin', 'moto_server');
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export interface MotoOptions {
  /**
   * Enforce IAM: moto_server authenticates and authorizes every request once this many requests have been
   * served unchecked (its INITIAL_NO_AUTH_ACTION_COUNT); `enforceIam` (POST /moto-api/reset-auth) switches it on later.
   * Unset: nothing is checked, as for every other test.
   */
  initialNoAuthActionCount?: number;
}

/**
 * Switches IAM enforcement on from the next request (moto's `/moto-api/reset-auth`): after the setup an
 * administrator would do, every call must be signed by a known principal and allowed by its policies.
 */
export async function enforceIam(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!res.ok) throw new Error(`moto reset-auth answered ${res.status}: ${await res.text()}`);
}

/** Starts moto_server on 127.0.0.1 and resolves once it answers. */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const bin = await ensureMoto();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  delete env.INITIAL_NO_AUTH_ACTION_COUNT;
  if (options.initialNoAuthActionCount !== undefined) env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.initialNoAuthActionCount);
  delete env.MOTO_ACCOUNT_ID; // per-account state comes from AssumeRole, never from a fixed account
  // moto_server.py is moto_server plus fixes for the pinned moto's gaps (each explained there).
  const child: ChildProcess = spawn(
    join(dirname(bin), 'python'),
    [join(repoRoot, 'scripts', 'moto_server.py'), '-H', '127.0.0.1', '-p', String(port)],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code}: ${stderr}`))),
  );
  exited.catch(() => undefined);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await Promise.race([fetch(`${endpoint}/moto-api/`), exited]);
      if (res.ok) break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto_server did not start on ${endpoint}`, { cause: error });
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
