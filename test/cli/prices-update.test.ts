import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProvider } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_PROVIDER_IDS } from '../../src/catalog/bundled.js';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { SqliteLedger } from '../../src/ledger/index.js';
import { PostgresLedger } from '../../src/ledger/postgres/index.js';
import type { LedgerRow, LedgerStore } from '../../src/ledger/types.js';
import { runCli } from '../helpers/cli.js';
import { startRig } from '../helpers/gateway.js';
import { makeRow } from '../helpers/rows.js';
import { adminClient, newSchema, PG_URL, pgUnavailable } from '../ledger/pg-helpers.js';

/*
 * The bundled prices these figures are hand-computed from (asserted below, so a new bundled catalog
 * fails loudly here rather than silently changing the expectations):
 *   gpt-4o-mini       input $0.15/M, cache read $0.075/M, output $0.60/M
 *   claude-haiku-4-5  input $1/M, output $5/M
 * The catalog file under test doubles gpt-4o-mini's input price, to $0.30/M, and changes nothing else
 * that the seeded traffic uses.
 */
const MINI_USAGE = { input: 1000, cache_read: 500, output: 200 };
const MINI_OLD_NANO = 1000 * 150 + 500 * 75 + 200 * 600; // 307,500 nano-USD: a rate of $R per million tokens is R × 1000 nano-USD per token
const MINI_NEW_NANO = 1000 * 300 + 500 * 75 + 200 * 600; // 457,500
const HAIKU_USAGE = { input: 2000, output: 100 };
const HAIKU_NANO = 2000 * 1000 + 100 * 5000; // 2,500,000
const MINI_ROWS = 10;
const HAIKU_ROWS = 5;
const OLD_VERSION = 'genai-prices@0.1.8+burnrate-patch@2026-11-27';

/** Rows of this month (never before the 1st, whatever the time of day the test runs). */
function seedRows(now: number): LedgerRow[] {
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const t0 = Math.max(monthStart, now - 6 * 3_600_000);
  const rows: LedgerRow[] = [];
  const tokens = (u: Record<string, number>) => ({ tokensIn: (u.input ?? 0) + (u.cache_read ?? 0), tokensOut: u.output ?? 0 });
  for (let i = 0; i < MINI_ROWS; i++) {
    rows.push(makeRow({ ts: t0 + i, app: 'support', provider: 'openai', model: 'gpt-4o-mini', requestedModel: 'gpt-4o-mini', usage: MINI_USAGE, ...tokens(MINI_USAGE), costNano: MINI_OLD_NANO, catalogVersion: OLD_VERSION }));
  }
  for (let i = 0; i < HAIKU_ROWS; i++) {
    rows.push(makeRow({ ts: t0 + 100 + i, app: 'search', provider: 'anthropic', model: 'claude-haiku-4-5', requestedModel: 'claude-haiku-4-5', usage: HAIKU_USAGE, ...tokens(HAIKU_USAGE), costNano: HAIKU_NANO, catalogVersion: OLD_VERSION }));
  }
  // A response-cache hit costs nothing at any price: re-pricing must leave it at 0.
  rows.push(makeRow({ ts: t0 + 200, app: 'support', provider: 'cache', model: 'gpt-4o-mini', usage: MINI_USAGE, ...tokens(MINI_USAGE), costNano: 0, cache: 'hit', catalogVersion: OLD_VERSION }));
  return rows;
}

async function append(ledger: LedgerStore, rows: LedgerRow[]): Promise<void> {
  for (const r of rows) ledger.append(r);
  await ledger.close();
}

/** The genai-prices data JSON (the format of the file the package updates itself from), edited. */
function writeCatalogFile(dir: string, edit: (providers: Record<string, unknown>[]) => void): string {
  const providers = BUNDLED_PROVIDER_IDS.map((id) => findProvider({ providerId: id })).filter((p) => p !== undefined);
  const data = JSON.parse(JSON.stringify(providers)) as Record<string, unknown>[];
  edit(data);
  const file = join(dir, 'data.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
}

type Model = { id: string; prices: Record<string, unknown>; match: unknown };
const openaiModels = (data: Record<string, unknown>[]) => (data.find((p) => p.id === 'openai')!.models as Model[]);

let dir: string;
let catalogFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'burnrate-prices-update-'));
  await append(new SqliteLedger(openSqlite(join(dir, 'burnrate.db'), SQLITE_MIGRATIONS)), seedRows(Date.now()));
  catalogFile = writeCatalogFile(dir, (data) => {
    const models = openaiModels(data);
    const mini = models.find((m) => m.id === 'gpt-4o-mini')!;
    mini.prices.input_mtok = 0.3;
    models.push({ id: 'gpt-test-new', match: { equals: 'gpt-test-new' }, prices: { input_mtok: 1, output_mtok: 2 } });
    const gone = models.findIndex((m) => m.id === 'gpt-3.5-turbo-16k');
    expect(gone).toBeGreaterThanOrEqual(0);
    models.splice(gone, 1);
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every ledger row and daily rollup, byte for byte. */
function ledgerDump(): string {
  const db = openSqlite(join(dir, 'burnrate.db'), SQLITE_MIGRATIONS);
  try {
    const rows = db.prepare('SELECT * FROM ledger ORDER BY id').all();
    const rollups = db.prepare('SELECT * FROM rollup_day ORDER BY day, app, model').all();
    return JSON.stringify({ rows, rollups });
  } finally {
    db.close();
  }
}

describe('burnrate prices update', () => {
  it('prices the seeded traffic at the bundled prices the hand computations assume', () => {
    const r = runCli(['prices', 'gpt-4o-mini', '--json', '-d', dir]);
    const mini = JSON.parse(r.stdout).models.find((m: { provider: string; model: string }) => m.provider === 'openai' && m.model === 'gpt-4o-mini');
    expect(mini).toMatchObject({ inputPerM: 0.15, cacheReadPerM: 0.075, outputPerM: 0.6 });
    const haiku = JSON.parse(runCli(['prices', 'anthropic/claude-haiku-4-5', '--json', '-d', dir]).stdout).models[0];
    expect(haiku).toMatchObject({ inputPerM: 1, outputPerM: 5 });
  });

  it('--dry-run shows the changes and the month re-projected at the new prices, and installs nothing', () => {
    const r = runCli(['prices', 'update', '--from', catalogFile, '--dry-run', '--json', '-d', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.current).toEqual({ version: OLD_VERSION, source: 'bundled' });
    expect(out.new.version).toMatch(/^file:data\.json#[0-9a-f]{8}\+burnrate-patch@/);
    expect(out.changed).toEqual([
      { provider: 'openai', model: 'gpt-4o-mini', changes: [{ kind: 'input', aboveInputTokens: null, old: 0.15, new: 0.3, changePct: 100 }] },
    ]);
    expect(out.added).toEqual([{ provider: 'openai', model: 'gpt-test-new', inputPerM: 1, outputPerM: 2 }]);
    expect(out.removed.map((m: { model: string }) => m.model)).toEqual(['gpt-3.5-turbo-16k']);

    const apps = Object.fromEntries(out.reprojection.apps.map((a: { app: string }) => [a.app, a]));
    expect(Object.keys(apps)).toEqual(['search', 'support']);
    // support: the same 10 requests, the same tokens, input at $0.30/M; the cache hit stays free.
    expect(apps.support.recordedMtdNano).toBe(MINI_ROWS * MINI_OLD_NANO);
    expect(apps.support.mtdAtNewPricesNano).toBe(MINI_ROWS * MINI_NEW_NANO);
    // Every day of support's traffic is the same mix, so its projection scales by exactly the price ratio.
    expect(apps.support.projectedUsd).toBeGreaterThan(0);
    expect(apps.support.projectedAtNewPricesUsd / apps.support.projectedUsd).toBeCloseTo(MINI_NEW_NANO / MINI_OLD_NANO, 9);
    expect(apps.support.deltaUsd).toBeCloseTo(apps.support.projectedAtNewPricesUsd - apps.support.projectedUsd, 12);
    expect(apps.support.deltaPct).toBeCloseTo(((MINI_NEW_NANO - MINI_OLD_NANO) / MINI_OLD_NANO) * 100, 1);
    // search: a model whose prices did not change.
    expect(apps.search.recordedMtdNano).toBe(HAIKU_ROWS * HAIKU_NANO);
    expect(apps.search.mtdAtNewPricesNano).toBe(HAIKU_ROWS * HAIKU_NANO);
    expect(apps.search.projectedAtNewPricesUsd).toBe(apps.search.projectedUsd);
    expect(apps.search.deltaUsd).toBe(0);
    expect(out.reprojection.total.mtdAtNewPricesNano).toBe(MINI_ROWS * MINI_NEW_NANO + HAIKU_ROWS * HAIKU_NANO);

    expect(out.installed).toBe(false);
    expect(existsSync(join(dir, 'catalog.json'))).toBe(false);
  });

  it('prints the changes and the re-projection as tables', () => {
    const r = runCli(['prices', 'update', '--from', catalogFile, '--dry-run', '-d', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 model with new prices, 1 added, 1 removed$/m);
    expect(r.stdout).toMatch(/openai\/gpt-4o-mini\s+input\s+\$0\.15\s+\$0\.3\s+\+100\.0%/);
    expect(r.stdout).toMatch(/support\s+\$0\.003075\s+\$0\.004575\s/);
    expect(r.stdout).toMatch(/search\s+\$0\.0125\s+\$0\.0125\s/);
    expect(r.stdout).toMatch(/dry run: nothing installed/);
  });

  it('installs the new prices for later requests and leaves every recorded row unchanged', async () => {
    const before = ledgerDump();
    const r = runCli(['prices', 'update', '--from', catalogFile, '--json', '-d', dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.installed).toBe(true);
    expect(out.reprojection.apps.find((a: { app: string }) => a.app === 'support').mtdAtNewPricesNano).toBe(MINI_ROWS * MINI_NEW_NANO);
    expect(ledgerDump()).toBe(before);

    const installed = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8'));
    expect(installed).toMatchObject({ format: 'burnrate-catalog', version: out.new.version.split('+')[0], installedAt: out.effectiveFrom, replaced: OLD_VERSION });
    // Prices have an effective date: before the update the old price, from it on the new one.
    const mini = installed.providers.find((p: { id: string }) => p.id === 'openai').models.find((m: { id: string }) => m.id === 'gpt-4o-mini');
    expect(mini.versions.map((v: { from?: string; rates: { input: number } }) => [v.from ?? null, v.rates.input])).toEqual([[null, 0.15], [out.effectiveFrom, 0.3]]);
    // A model gone upstream stays priced, flagged deprecated.
    const gone = installed.providers.find((p: { id: string }) => p.id === 'openai').models.find((m: { id: string }) => m.id === 'gpt-3.5-turbo-16k');
    expect(gone.deprecated).toBe(true);

    // `burnrate prices` now lists the installed prices.
    const listed = JSON.parse(runCli(['prices', 'openai/gpt-4o-mini', '--json', '-d', dir]).stdout);
    expect(listed.catalogVersion).toBe(out.new.version);
    expect(listed.models[0]).toMatchObject({ model: 'gpt-4o-mini', inputPerM: 0.3, outputPerM: 0.6 });
    // ...and so does the forecaster: 1,000 input tokens at $0.30/M.
    const forecast = (data: string[]) => JSON.parse(runCli(['forecast', '-m', 'gpt-4o-mini', '--input-tokens', '1000', '--output-tokens', '0', '--per-day', '10', '--json', ...data]).stdout);
    expect(forecast(['-d', dir]).perInteractionUsd).toBeCloseTo(0.0003, 12);
    expect(forecast(['-d', join(dir, 'no-such-dir')]).perInteractionUsd).toBeCloseTo(0.00015, 12);

    // The gateway started on this data directory prices a new request at the new price.
    const rig = await startRig({}, dir);
    try {
      const res = await fetch(`${rig.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order #1234?' }] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
      const row = await rig.row(res.headers.get('x-burnrate-request-id')!);
      const { prompt_tokens: input, completion_tokens: output } = body.usage;
      expect(input).toBeGreaterThan(0);
      expect(row.costNano).toBe(input * 300 + output * 600);
      expect(row.catalogVersion).toBe(out.new.version);
    } finally {
      await rig.close();
    }
    // ...and the rows recorded before the update still carry their own price and catalog version.
    const db = openSqlite(join(dir, 'burnrate.db'), SQLITE_MIGRATIONS);
    const old = db.prepare("SELECT cost_nano AS c, catalog_version AS v, COUNT(*) AS n FROM ledger WHERE app = 'support' AND catalog_version = ? GROUP BY cost_nano, catalog_version ORDER BY cost_nano").all(OLD_VERSION);
    db.close();
    expect(old).toEqual([{ c: 0, v: OLD_VERSION, n: 1 }, { c: MINI_OLD_NANO, v: OLD_VERSION, n: MINI_ROWS }]);

    // The same file again: nothing left to change.
    const again = runCli(['prices', 'update', '--from', catalogFile, '-d', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no price changes: nothing to install/);
  });

  it('--from package compares the installed @pydantic/genai-prices with the bundled snapshot', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'burnrate-prices-pkg-'));
    try {
      const r = runCli(['prices', 'update', '--from', 'package', '--json', '-d', fresh]);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      // The snapshot was built from this very package: nothing changed, nothing installed, no ledger created.
      expect(out).toMatchObject({ changed: [], added: [], removed: [], installed: false, reprojection: null });
      expect(out.new.version).toBe(OLD_VERSION);
      expect(existsSync(join(fresh, 'burnrate.db'))).toBe(false);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('has --help', () => {
    const r = runCli(['prices', 'update', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: burnrate prices update \[options\]/);
    expect(r.stdout).toMatch(/--from <file\|package>/);
    expect(r.stdout).toMatch(/--dry-run/);
  });
});

describe('burnrate prices update with a bad catalog', () => {
  const bad = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  it('exits 2 with one line for a missing file', () => {
    const r = runCli(['prices', 'update', '--from', '/nonexistent/data.json', '-d', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('burnrate: cannot read price catalog /nonexistent/data.json: ENOENT');
  });

  it('exits 2 with one line for a file that is not JSON', () => {
    const r = runCli(['prices', 'update', '--from', bad('broken.json', '[{"id": "openai",'), '-d', dir]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^burnrate: cannot parse price catalog .*broken\.json: /);
  });

  it('exits 2 naming the bad field of a file in the genai-prices format', () => {
    const file = writeCatalogFile(mkdtempSync(join(tmpdir(), 'burnrate-bad-')), (data) => {
      openaiModels(data)[0]!.prices = { input_mtok: -1 };
    });
    const r = runCli(['prices', 'update', '--from', file, '-d', dir]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/invalid price catalog .*data\.json \(genai-prices data format\): \d+\.models\.0\.prices/);
  });

  it('exits 2 for a file in neither format, and installs nothing', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'burnrate-bad-'));
    const r = runCli(['prices', 'update', '--from', bad('other.json', '{"models": []}'), '-d', fresh]);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/expected the genai-prices data JSON \(a list of providers\) or a Burnrate catalog/);
    expect(existsSync(join(fresh, 'catalog.json'))).toBe(false);
  });

  it('exits 2 without --from', () => {
    const r = runCli(['prices', 'update', '-d', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--from <file\|package>' not specified/);
  });
});

describe('burnrate prices update on PostgreSQL', async () => {
  const skip = await pgUnavailable();
  it.skipIf(skip !== undefined)('re-projects from a PostgreSQL ledger exactly as from SQLite', async () => {
    const schema = newSchema();
    const spoolDir = mkdtempSync(join(tmpdir(), 'burnrate-spool-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'burnrate-prices-pg-'));
    const admin = await adminClient();
    try {
      await append(await PostgresLedger.open(PG_URL, { spoolDir, schema }), seedRows(Date.now()));
      const r = runCli(['prices', 'update', '--from', catalogFile, '--dry-run', '--json', '-d', dataDir], {
        env: { DATABASE_URL: PG_URL, BURNRATE_PG_SCHEMA: schema },
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const apps = Object.fromEntries(JSON.parse(r.stdout).reprojection.apps.map((a: { app: string }) => [a.app, a]));
      expect(apps.support).toMatchObject({ recordedMtdNano: MINI_ROWS * MINI_OLD_NANO, mtdAtNewPricesNano: MINI_ROWS * MINI_NEW_NANO });
      expect(apps.search).toMatchObject({ recordedMtdNano: HAIKU_ROWS * HAIKU_NANO, mtdAtNewPricesNano: HAIKU_ROWS * HAIKU_NANO });
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
      rmSync(spoolDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
