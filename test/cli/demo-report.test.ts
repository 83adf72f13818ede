import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/db/sqlite.js';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { runCli } from '../helpers/cli.js';

describe('burnrate demo, report, keys and budgets', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'burnrate-cli-')), 'demo');

  it('generates a month of traffic and the reports read it back', () => {
    const demo = runCli(['demo', '--no-serve', '--port', '0', '--data-dir', dir, '--days', '20', '--json']);
    expect(demo.code).toBe(0);
    const summary = JSON.parse(demo.stdout);
    expect(summary.requests).toBeGreaterThan(5000);
    expect(summary.costUsd).toBeGreaterThan(10);

    const byApp = JSON.parse(runCli(['report', '--group-by', 'app', '--from', '2000-01-01', '--data-dir', dir, '--json']).stdout);
    const total = byApp.groups.reduce((s: number, g: { costUsd: number }) => s + g.costUsd, 0);
    expect(total).toBeCloseTo(summary.costUsd, 6);
    expect(byApp.groups.map((g: { app: string }) => g.app)).toContain('doc-pipeline');

    const csv = runCli(['report', '--group-by', 'model', '--data-dir', dir, '--csv']).stdout.split('\n');
    expect(csv[0]).toBe('model,requests,errors,tokensIn,tokensOut,costUsd,savedUsd');

    const savings = JSON.parse(runCli(['report', '--savings', '--data-dir', dir, '--json']).stdout);
    expect(savings.total.promptCacheUsd).toBeGreaterThan(0);
    expect(savings.total.totalUsd).toBeCloseTo(savings.days.reduce((s: number, d: { totalUsd: number }) => s + d.totalUsd, 0), 9);

    // The live requests the demo sends through the gateway fill the review queue (support-bot stores content).
    const db = openSqlite(join(dir, 'burnrate.db'), SQLITE_MIGRATIONS);
    const samples = db.prepare("SELECT app, prompt_preview AS p, length(completion) AS n FROM review_samples WHERE verdict IS NULL").all() as { app: string; p: string; n: number }[];
    db.close();
    expect(samples).toHaveLength(5);
    for (const sample of samples) {
      expect(sample.app).toBe('support-bot');
      expect(sample.p).toMatch(/^Live question \d: where is my order\?$/);
      expect(sample.n).toBeGreaterThan(0);
    }
  });

  it('manages keys and budgets, with one-line errors', () => {
    const created = JSON.parse(runCli(['keys', 'create', '--app', 'billing', '--data-dir', dir, '--json']).stdout);
    expect(created.key).toMatch(/^br-/);
    expect(runCli(['keys', 'list', '--data-dir', dir]).stdout).not.toContain(created.key);
    expect(runCli(['keys', 'revoke', created.id, '--data-dir', dir]).code).toBe(0);
    const bad = runCli(['keys', 'create', '--app', 'bad name', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    expect(runCli(['budgets', 'set', 'team', '--limit', '50', '--scope', 'app', '--match', 'support-bot', '--data-dir', dir]).code).toBe(0);
    const list = JSON.parse(runCli(['budgets', 'list', '--data-dir', dir, '--json']).stdout);
    expect(list[0]).toMatchObject({ id: 'team', limitUsd: 50 });
    expect(list[0].spentUsd).toBeGreaterThan(0);
    const badTz = runCli(['budgets', 'set', 'x', '--limit', '5', '--tz', 'Mars/Olympus', '--data-dir', dir]);
    expect(badTz.code).toBe(2);
    expect(badTz.stderr).toMatch(/timeZone/);
    expect(runCli(['budgets', 'rm', 'team', '--data-dir', dir]).code).toBe(0);
    expect(runCli(['budgets', 'rm', 'team', '--data-dir', dir]).code).toBe(2);
  });

  it('has --help on every command', () => {
    for (const cmd of ['demo', 'serve', 'report', 'keys', 'budgets', 'forecast', 'prices', 'tokens']) {
      const r = runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: burnrate ${cmd}`);
    }
  });
});
