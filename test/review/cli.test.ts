import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/program.js';
import { recordFeedback, ReviewRepository } from '../../src/review/index.js';
import { BACKENDS, openWith, type ReviewStore } from './helpers.js';

/** Runs the CLI in-process (no build needed) with `env` set, capturing what it writes. */
async function cliIn(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
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
    vi.unstubAllEnvs();
  }
}

describe('burnrate review, status and digest: input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-review-cli-'));
  const cli = (...args: string[]) => cliIn({ DATABASE_URL: '' }, ...args);

  it('has --help on each command', async () => {
    for (const cmd of ['review', 'status', 'digest']) {
      const r = await cli(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: burnrate ${cmd}`);
    }
    expect((await cli('review', '--help')).stdout).toContain('--mark-reviewed');
  });

  it('bad input is one line on stderr and exit code 2', async () => {
    for (const args of [['review', '--from', 'last tuesday'], ['review', '--mark-reviewed'], ['review', '--limit', '-3'], ['status', '--to', 'soon'], ['review', '--from', '2026-12-01', '--to', '2026-11-01']]) {
      const r = await cli(...args, '--data-dir', dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^burnrate: /);
    }
  });

  it('an unreachable PostgreSQL is a one-line reason and exit code 1, not an internal error', async () => {
    const r = await cliIn({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }, 'status', '--data-dir', dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^burnrate: cannot open the ledger: /);
  });
});

describe.each(BACKENDS)('burnrate review, status and digest ($name)', (backend) => {
  let store: ReviewStore;
  let dir: string;
  let configFile: string;
  const now = Date.now();
  const hostile = '<img src=x onerror=alert(1)>';
  const cli = (...args: string[]) => cliIn(store.env, ...args);

  beforeAll(async () => {
    store = await backend.create();
    dir = store.dir;
    const storage = await openWith(store, [
      { app: 'support', feature: hostile, model: 'gpt-4o', requestedModel: 'gpt-4o', usage: { input: 1000, cache_read: 2000, output: 400 }, ts: now - 2 * 86_400_000 },
      { app: 'support', feature: hostile, model: 'gpt-4o', requestedModel: 'gpt-4o', usage: { input: 1000, cache_read: 2000, output: 400 }, ts: now - 86_400_000 },
      { app: 'orphan', model: 'gpt-4o-mini', requestedModel: 'gpt-4o-mini', ts: now - 86_400_000 },
    ]);
    await storage.close();
    configFile = join(dir, 'burnrate.json');
    writeFileSync(configFile, JSON.stringify({ dataDir: dir, apps: { support: { owner: { name: 'Ada' }, reviewEveryDays: 30 } } }));
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => store.dispose());

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
    // --unack brings it back; a second --unack has nothing to take back.
    expect((await cli('status', '--unack', key, '--config', configFile)).code).toBe(0);
    expect(JSON.parse((await cli('status', '--json', '--config', configFile)).stdout).items.some((i: { key: string }) => i.key === key)).toBe(true);
    const again = await cli('status', '--unack', key, '--config', configFile);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no acknowledged item ${key}`);
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

describe.runIf(BACKENDS.length > 1)('burnrate migrate carries the review to PostgreSQL', () => {
  it('moves review marks, feedback, acknowledgements and review samples along with the ledger', async () => {
    const [from, to] = await Promise.all(BACKENDS.map((b) => b.create())) as [ReviewStore, ReviewStore];
    try {
      const source = await openWith(from, [{ id: 'req-1', app: 'support', ts: Date.now() - 86_400_000 }]);
      const repo = new ReviewRepository(source.sql);
      await recordFeedback(repo, { requestId: 'req-1', score: -1 }, () => false);
      await repo.markReviewed('support', 'Ada', null);
      await repo.acknowledge('no-owner:support', 'Ada', null);
      await source.sql.run(
        `INSERT INTO review_samples (id, ts, app, feature, model, endpoint, prompt, prompt_preview, completion, truncated, verdict)
         VALUES ('req-1', ?, 'support', NULL, 'gpt-4o-mini', 'openai-chat', '{"messages":[]}', 'Where is my parcel?', 'On its way.', 0, 'bad')`,
        [Date.now() - 86_400_000],
      );
      await source.close();
      const r = await cliIn({}, 'migrate', '--from', `sqlite:${join(from.dir, 'burnrate.db')}`, '--to', to.env.DATABASE_URL!, '--schema', to.env.BURNRATE_PG_SCHEMA!, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ledgerRows: 1, feedback: 1, app_reviews: 1, attention_acks: 1, review_samples: 1 });
      const status = JSON.parse((await cliIn(to.env, 'status', '--json', '--all', '--data-dir', to.dir)).stdout);
      expect(status.apps.find((a: { app: string }) => a.app === 'support').lastReviewed).not.toBeNull();
      expect(status.items.find((i: { key: string }) => i.key === 'no-owner:support').acknowledged).toBe(true);
      const review = JSON.parse((await cliIn(to.env, 'review', '--json', '--data-dir', to.dir)).stdout);
      expect(review.recommendations[0].evidence.current.feedback).toEqual({ count: 1, meanScore: -1 });
    } finally {
      await Promise.all([from.dispose(), to.dispose()]);
    }
  });
});
