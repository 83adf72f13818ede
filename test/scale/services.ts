import pg from 'pg';
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';

/**
 * The scale-out tests need real PostgreSQL and Redis. Under CI their absence fails the suite;
 * locally the tests are skipped with the reason.
 */
export async function servicesOrSkip(databaseUrl: string, redisUrl: string): Promise<boolean> {
  const problems: string[] = [];
  try {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  } catch (err) {
    problems.push(`PostgreSQL at ${databaseUrl}: ${(err as Error).message}`);
  }
  const redis = new URL(redisUrl);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: redis.hostname, port: Number(redis.port || 6379) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!reachable) problems.push(`Redis at ${redisUrl}: unreachable`);
  if (problems.length === 0) return true;
  if (process.env.CI) throw new Error(`scale-out tests need PostgreSQL and Redis under CI: ${problems.join('; ')}`);
  console.warn(`skipping scale-out tests: ${problems.join('; ')}`);
  return false;
}

/** A `burnrate serve` process started by a test. */
export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `bin/burnrate.js serve` (the built dist/) on a random port with `env` added to this
 * process's environment; resolves once it prints its URL.
 */
export async function startGatewayProcess(args: { configFile: string; dataDir: string; env: NodeJS.ProcessEnv }): Promise<GatewayProcess> {
  const bin = new URL('../../bin/burnrate.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--config', args.configFile, '--data-dir', args.dataDir], {
    env: { ...process.env, ...args.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within 20 s:\n${out}`)), 20_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited at start (code ${code}):\n${out}`));
    });
  });
  return {
    child,
    url,
    output: () => out,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One answered request of a load loop: when it was sent and ended (ms since the loop started), its status (0: no answer). */
export interface LoadSample {
  sent: number;
  at: number;
  status: number;
  code?: string;
}

/**
 * Closed-loop load: `clients` concurrent loops each sending `request(i)` and reading the answer to
 * its end, until `stop()`. Every answer is kept as a sample.
 */
export function driveLoad(clients: number, request: (i: number) => Promise<Response>): { samples: LoadSample[]; started: number; stop(): Promise<void> } {
  const samples: LoadSample[] = [];
  const started = performance.now();
  let running = true;
  let i = 0;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const n = i++;
      const sent = performance.now() - started;
      try {
        const res = await request(n);
        const text = await res.text();
        let code: string | undefined;
        if (res.status !== 200) {
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            // not JSON: leave the code out
          }
        }
        samples.push({ sent, at: performance.now() - started, status: res.status, ...(code ? { code } : {}) });
      } catch {
        samples.push({ sent, at: performance.now() - started, status: 0 });
        await new Promise((r) => setTimeout(r, 5)); // don't spin on a refused connection
      }
    }
  });
  return {
    samples,
    started,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
