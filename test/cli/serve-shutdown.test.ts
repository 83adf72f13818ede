import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const bin = new URL('../../bin/burnrate.js', import.meta.url).pathname;

describe('burnrate serve shutdown', () => {
  it('stops cleanly and keeps its rows when the reader of its output has gone away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-serve-'));
    const config = join(dir, 'burnrate.yaml');
    writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), port: 0 }));
    const env = { ...process.env, BURNRATE_ADMIN_TOKEN: 'test-admin' };
    const key = JSON.parse(runCli(['keys', 'create', '--app', 'shop', '--json', '--config', config], { env }).stdout).key as string;

    const child = spawn(process.execPath, [bin, 'serve', '--config', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
    });
    const answer = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim/gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my parcel?' }] }),
    });
    expect(answer.status).toBe(200);

    // Close our end of its stdout and stderr: its shutdown message then meets a broken pipe.
    child.stdout.destroy();
    child.stderr.destroy();
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);

    const rows = JSON.parse(runCli(['report', '--group-by', 'app', '--from', '2000-01-01', '--json', '--data-dir', join(dir, 'data')], { env }).stdout);
    expect(rows.groups).toEqual([expect.objectContaining({ app: 'shop', requests: 1 })]);
  });
});
