import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/program.js';
import { ledgerWith } from './helpers.js';

/** Runs the CLI in-process (no build needed), capturing what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += `${a.join(' ')}\n`));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += `${a.join(' ')}\n`));
  try {
    const code = await run(['node', 'burnrate', ...args]);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('burnrate review, status and digest', () => {
  let dir: string;
  let configFile: string;
  const now = Date.now();
  const hostile = '<img src=x onerror=alert(1)>';

  beforeAll(async () => {
    let db;
    ({ dir, db } = await ledgerWith([
      { app: 'support', feature: hostile, model: 'gpt-4o', requestedModel: 'gpt-4o', usage: { input: 1000, cache_read: 2000, output: 400 }, ts: now - 2 * 86_400_000 },
      { app: 'support', feature: hostile, model: 'gpt-4o', requestedModel: 'gpt-4o', usage: { input: 1000, cache_read: 2000, output: 400 }, ts: now - 86_400_000 },
      { app: 'orphan', model: 'gpt-4o-mini', requestedModel: 'gpt-4o-mini', ts: now - 86_400_000 },
    ]));
    db.close();
    configFile = join(dir, 'burnrate.json');
    writeFileSync(configFile, JSON.stringify({ dataDir: dir, apps: { support: { owner: { name: 'Ada' }, reviewEveryDays: 30 } } }));
  });
  afterEach(() => vi.restoreAllMocks());

  it('has --help on each command', async () => {
    for (const cmd of ['review', 'status', 'digest']) {
      const r = await cli(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: burnrate ${cmd}`);
    }
    expect((await cli('review', '--help')).stdout).toContain('--mark-reviewed');
  });

  it('review --json prints the what-if and recommendations', async () => {
    const r = await cli('review', '--json', '--data-dir', dir);
    expect(r.code).toBe(0);
    const review = JSON.parse(r.stdout);
    expect(review.groups.map((g: { app: string }) => g.app).sort()).toEqual(['orphan', 'support']);
    expect(review.recommendations.length).toBeGreaterThan(0);
    expect(review.caveats[0]).toMatch(/Cheaper is not as good/);
  });

  it('review prints a readable table by default', async () => {
    const r = await cli('review', '--data-dir', dir, '--app', 'support');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('what to try');
    expect(r.stdout).toContain('Cheaper is not as good');
  });

  it('review --html writes a self-contained page with every user string escaped', async () => {
    const file = join(dir, 'review.html');
    const r = await cli('review', '--html', file, '--data-dir', dir, '--batch');
    expect(r.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain(hostile);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('Cheaper is not as good');
  });

  it('bad input is one line on stderr and exit code 2', async () => {
    for (const args of [['review', '--from', 'last tuesday'], ['review', '--mark-reviewed'], ['review', '--limit', '-3'], ['status', '--to', 'soon'], ['review', '--from', '2026-12-01', '--to', '2026-11-01']]) {
      const r = await cli(...args, '--data-dir', dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^burnrate: /);
    }
  });

  it('refuses, in one line, to read a local file when the ledger is in PostgreSQL', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://burnrate@localhost/burnrate');
    try {
      const r = await cli('review', '--data-dir', dir);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(/^burnrate: .*with DATABASE_URL \(PostgreSQL\) they are not available yet$/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('status --json lists the app with no owner; --mark-reviewed and --ack change what it shows', async () => {
    const s = JSON.parse((await cli('status', '--json', '--config', configFile)).stdout);
    expect(s.items.some((i: { kind: string; app: string }) => i.kind === 'no_owner' && i.app === 'orphan')).toBe(true);
    expect(s.items.some((i: { kind: string; app: string }) => i.kind === 'no_owner' && i.app === 'support')).toBe(false);
    expect((await cli('review', '--mark-reviewed', '--app', 'support', '--config', configFile)).code).toBe(0);
    const after = JSON.parse((await cli('status', '--json', '--config', configFile)).stdout);
    expect(after.apps.find((a: { app: string }) => a.app === 'support').lastReviewed).not.toBeNull();
    const key = s.items.find((i: { kind: string }) => i.kind === 'no_owner').key;
    expect((await cli('status', '--ack', key, '--config', configFile)).code).toBe(0);
    const acked = JSON.parse((await cli('status', '--json', '--config', configFile)).stdout);
    expect(acked.items.some((i: { key: string }) => i.key === key)).toBe(false);
    expect((await cli('status', '--config', configFile)).stdout).toContain('owner');
  });

  it('digest --json summarises spend and open items per owner', async () => {
    const r = await cli('digest', '--json', '--config', configFile);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.spend.thisWeekUsd).toBeGreaterThan(0);
    expect(d).toHaveProperty('projection.expectedUsd');
    expect(Array.isArray(d.attention)).toBe(true);
    const text = await cli('digest', '--config', configFile);
    expect(text.stdout).toContain('Burnrate weekly digest');
  });
});
