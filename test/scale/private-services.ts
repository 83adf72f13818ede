import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Private PostgreSQL and Redis servers for tests that stop and restart them. The shared servers
 * (5432, 6379) are used by other test files at the same time, so a test that takes a database down
 * must own it: a throw-away cluster (`initdb` + `pg_ctl`) and a throw-away `redis-server`, each on a
 * free port with its data in a temporary directory, removed by `destroy()`.
 *
 * Missing binaries skip the tests locally (with the reason) and fail them under CI.
 */

const run = promisify(execFile);

/** Resolves whether the binaries exist; under CI throws instead of returning a reason to skip. */
export function privateServicesOrSkip(need: { postgres?: boolean; redis?: boolean }): boolean {
  const problems: string[] = [];
  if (need.postgres && !pgBinDir()) problems.push('PostgreSQL server binaries (initdb, pg_ctl) not found: set BURNRATE_PG_BIN or install postgresql');
  if (need.redis && !onPath('redis-server')) problems.push('redis-server not found on PATH');
  if (problems.length === 0) return true;
  if (process.env.CI) throw new Error(`these tests start private servers and need: ${problems.join('; ')}`);
  console.warn(`skipping private-server tests: ${problems.join('; ')}`);
  return false;
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, bin))) return join(dir, bin);
  }
  return undefined;
}

/** BURNRATE_PG_BIN, else the newest /usr/lib/postgresql/N/bin, else the directory of `initdb` on PATH. */
function pgBinDir(): string | undefined {
  const ok = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (process.env.BURNRATE_PG_BIN) return ok(process.env.BURNRATE_PG_BIN) ? process.env.BURNRATE_PG_BIN : undefined;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (ok(join(base, v, 'bin'))) return join(base, v, 'bin');
  }
  const initdb = onPath('initdb');
  return initdb && ok(join(initdb, '..')) ? join(initdb, '..') : undefined;
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A running server that the test can take down and bring back, and must `destroy()` at the end. */
export interface PrivateServer {
  url: string;
  port: number;
  /** Takes the server down for real (PostgreSQL: `pg_ctl stop -m fast`; Redis: SIGKILL). */
  stop(): Promise<void>;
  /** Brings it back on the same port (Redis: a new, empty process). Resolves once it answers. */
  start(): Promise<void>;
  /** Stops it if running and deletes its data. Never throws. */
  destroy(): Promise<void>;
}

/**
 * A private PostgreSQL cluster: `initdb` in a temp dir, `pg_ctl start` on a free port, trust auth for
 * user `postgres` on 127.0.0.1 only. initdb refuses to run as root, so as root the cluster is created
 * and run as the `postgres` system user (`runuser`), in a directory that user owns.
 */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-pg-'));
  const data = join(dir, 'data');
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('running as root and there is no `postgres` user to run the private PostgreSQL as');
    });
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (cmd: string, args: string[]) =>
    root ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir }) : run(join(bin, cmd), args, { cwd: dir });
  const port = await freePort();
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  // fsync off: this cluster is thrown away; the socket goes to the temp dir, not /var/run/postgresql.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=50`;
  let running = false;
  const start = async () => {
    await pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
    running = true;
  };
  const stop = async () => {
    await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    running = false;
  };
  // pg_ctl daemonizes the server: if this process dies before destroy(), take the cluster with it.
  const onExit = () => {
    if (!running) return;
    try {
      execFileSync(root ? 'runuser' : join(bin, 'pg_ctl'), [...(root ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), '-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
    } catch {
      // best effort
    }
  };
  process.once('exit', onExit);
  try {
    await start();
  } catch (err) {
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async destroy() {
      // Immediate mode: nothing in this cluster is worth a checkpoint.
      if (running) await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      running = false;
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `PING` on `port` answers `+PONG`, or rejects after `timeoutMs`. */
async function redisAnswers(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
      socket.setTimeout(500, () => socket.destroy());
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (pong) return;
    if (Date.now() > until) throw new Error(`private redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A private `redis-server` (no persistence: `--save '' --appendonly no`), run as a child of the test
 * process. `stop()` SIGKILLs it, so its data is gone; `start()` runs a new, empty one on the same port.
 */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const bin = onPath('redis-server');
  if (!bin) throw new Error('redis-server not found on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'log')], {
      stdio: 'ignore',
    });
    child = proc;
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`private redis-server exited at start (code ${code}); see ${join(dir, 'log')}`))));
    exited.catch(() => undefined);
    await Promise.race([redisAnswers(port, 10_000), exited]);
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await gone;
  };
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);
  try {
    await start();
  } catch (err) {
    await stop().catch(() => undefined);
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      process.off('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
