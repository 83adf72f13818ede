import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { servicesOrSkip } from '../scale/services.js';

const DATABASE_URL = process.env.BURNRATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const available = await servicesOrSkip(DATABASE_URL, process.env.BURNRATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const schema = `burnrate_migrate_${randomBytes(4).toString('hex')}`;

describe.skipIf(!available)('burnrate migrate', () => {
  afterAll(async () => {
    const client = new pg.Client(DATABASE_URL);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('moves a SQLite installation to PostgreSQL: same rows, same dollars, keys and budgets; a second run adds nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'burnrate-migrate-')), 'data');
    const demo = JSON.parse(runCli(['demo', '--no-serve', '--port', '0', '--data-dir', dir, '--days', '5', '--json']).stdout);
    expect(runCli(['budgets', 'set', 'team', '--limit', '50', '--data-dir', dir]).code).toBe(0);
    const client = new pg.Client(DATABASE_URL);
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    for (let run = 0; run < 2; run++) {
      const r = runCli(['migrate', '--from', `sqlite:${join(dir, 'burnrate.db')}`, '--to', DATABASE_URL, '--schema', schema, '--json']);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).ledgerRows).toBe(demo.requests);
    }
    const ledger = await client.query(`SELECT COUNT(*)::int AS n, SUM(cost_nano)::bigint AS cost FROM ${schema}.ledger`);
    expect(ledger.rows[0].n).toBe(demo.requests);
    expect(Number(ledger.rows[0].cost) / 1e9).toBeCloseTo(demo.costUsd, 9);
    const rollup = await client.query(`SELECT SUM(cost_nano)::bigint AS cost FROM ${schema}.rollup_day`);
    expect(Number(rollup.rows[0].cost)).toBe(Number(ledger.rows[0].cost));
    expect((await client.query(`SELECT id FROM ${schema}.budgets`)).rows.map((r) => r.id)).toEqual(['team']);
    expect((await client.query(`SELECT COUNT(*)::int AS n FROM ${schema}.api_keys`)).rows[0].n).toBeGreaterThan(0);
    await client.end();
  }, 120_000);

  it('says in one line what is wrong with its arguments', () => {
    const r = runCli(['migrate', '--from', 'sqlite:/nonexistent.db', '--to', DATABASE_URL]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('burnrate: no SQLite database at /nonexistent.db');
  });
});
