import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { SqliteLedger, SqliteLedgerQueries, type LedgerRow } from '../../src/ledger/index.js';
import { PG_MIGRATIONS, PostgresLedger } from '../../src/ledger/postgres/index.js';
import { makeRow } from '../helpers/rows.js';
import { DAY, HOUR, describeLedgerContract, t0 } from './ledger-contract.js';
import { count, PG_URL, pgBackend, pgUnavailable, startRelay } from './pg-helpers.js';

const unavailable = await pgUnavailable();

if (!unavailable) describeLedgerContract('PostgreSQL', () => pgBackend());

describe.skipIf(unavailable !== undefined)('PostgreSQL ledger', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A backend whose ledgers are closed, and whose schema is dropped, after the test. */
  async function backend(over: Parameters<typeof pgBackend>[0] = {}) {
    const b = await pgBackend(over);
    cleanups.push(() => b.dispose());
    const open = async (url: string) => {
      const ledger = await PostgresLedger.open(url, { spoolDir: b.spoolDir, schema: b.schema, flushIntervalMs: 10_000, ...over });
      cleanups.push(() => ledger.close());
      return ledger;
    };
    return { ...b, openLedger: open };
  }

  const rollupTotals = (b: Awaited<ReturnType<typeof backend>>) =>
    b.admin.query<{ requests: string; cost: string }>('SELECT SUM(requests) AS requests, SUM(cost_nano) AS cost FROM rollup_day').then((r) => ({
      requests: Number(r.rows[0]?.requests ?? 0),
      cost: Number(r.rows[0]?.cost ?? 0),
    }));

  it('migrates once, even when several instances start together', async () => {
    const b = await backend();
    await Promise.all([b.openLedger(PG_URL), b.openLedger(PG_URL), b.openLedger(PG_URL)]);
    // Each version once, not once per instance.
    expect(await count(b.admin, 'SELECT COUNT(*) AS n FROM schema_migrations')).toBe(PG_MIGRATIONS.length);
  });

  it('loses no row while PostgreSQL is unreachable, and replays the spool when it is back', async () => {
    const relay = await startRelay();
    cleanups.push(() => relay.close());
    const b = await backend({ retryMinMs: 10, retryMaxMs: 50, connectionTimeoutMs: 1000 });
    const ledger = await b.openLedger(relay.url);
    const appended: LedgerRow[] = [];
    const add = (n: number) => {
      for (let i = 0; i < n; i++) {
        const row = makeRow({ ts: t0 + appended.length, costNano: appended.length + 1 });
        appended.push(row);
        ledger.append(row);
      }
    };
    add(300);
    await ledger.flush();
    expect(await b.countRows()).toBe(300);

    relay.cut(); // the database goes away: open connections drop, new ones are refused
    add(1500); // more than a batch
    await ledger.flush(); // resolves: the rows are on disk
    expect(ledger.stats()).toMatchObject({ degraded: true, queued: 0, dropped: 0 });
    expect(ledger.stats().spoolBytes).toBeGreaterThan(0);
    const spooled = appended[1000]!;
    expect(await ledger.get(spooled.id)).toEqual(spooled); // readable from the spool
    add(200); // still down: these queue behind the spool
    await ledger.flush();

    relay.restore();
    await ledger.flush(); // replays the spool, then writes the queue
    expect(ledger.stats()).toMatchObject({ degraded: false, spoolBytes: 0, queued: 0 });
    expect(await b.countRows()).toBe(appended.length);
    expect(await rollupTotals(b)).toEqual({ requests: appended.length, cost: (appended.length * (appended.length + 1)) / 2 });
    expect(await ledger.get(spooled.id)).toEqual(spooled); // now from the database
  });

  it('survives its connections being terminated by the server (pg_terminate_backend)', async () => {
    const b = await backend({ retryMinMs: 10, applicationName: 'burnrate-test-terminate' });
    const ledger = await b.openLedger(PG_URL);
    for (let i = 0; i < 500; i++) ledger.append(makeRow());
    await ledger.flush();
    const killed = await count(
      b.admin,
      `SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = 'burnrate-test-terminate' AND datname = current_database()`,
    );
    expect(killed).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50)); // let the pool see its idle connections die
    for (let i = 0; i < 500; i++) ledger.append(makeRow());
    await ledger.flush(); // written, or spooled if it drew a dead connection...
    await ledger.flush(); // ...and then replayed
    expect(ledger.stats()).toMatchObject({ degraded: false, queued: 0 });
    expect(await b.countRows()).toBe(1000);
  });

  it('replays, at start-up, a spool left by a process that could not reach PostgreSQL', async () => {
    const relay = await startRelay();
    cleanups.push(() => relay.close());
    const b = await backend({ retryMinMs: 10, connectionTimeoutMs: 1000 });

    relay.cut();
    const first = await PostgresLedger.open(relay.url, { spoolDir: b.spoolDir, schema: b.schema, flushIntervalMs: 10_000 }); // starts degraded
    for (let i = 0; i < 700; i++) first.append(makeRow({ costNano: 2 }));
    await first.close(); // spooled, not written
    // It never reached the database, so not even the migrations ran.
    expect((await b.admin.query(`SELECT to_regclass('ledger') AS t`)).rows[0].t).toBeNull();
    const second = await b.openLedger(PG_URL);
    await second.flush();
    expect(await b.countRows()).toBe(700);
    expect(await rollupTotals(b)).toEqual({ requests: 700, cost: 1400 });
    expect(second.stats().spoolBytes).toBe(0);
  });

  it('keeps rollups exact with two instances writing at once (and retrying each other\'s rows)', async () => {
    const b = await backend({ maxBatch: 250, flushIntervalMs: 5 });
    const [one, two] = await Promise.all([b.openLedger(PG_URL), b.openLedger(PG_URL)]);
    const models = ['gpt-4o', 'gpt-4o-mini', 'claude-haiku'];
    const rows: LedgerRow[] = [];
    for (let i = 0; i < 6000; i++) {
      rows.push(makeRow({ ts: t0 + (i % 50) * HOUR, model: models[i % 3]!, customer: i % 4 ? 'acme' : null, costNano: 1 + (i % 97), savedNano: i % 5, conversation: `c${i % 7}` }));
    }
    // Both append every row, interleaved in opposite orders: each cell is raced for, and every row is
    // written by one instance and refused as a duplicate by the other.
    for (let i = 0; i < rows.length; i++) {
      one.append(rows[i]!);
      two.append(rows[rows.length - 1 - i]!);
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([one.flush(), two.flush()]);
    expect(await b.countRows()).toBe(rows.length);
    const raw = await b.admin.query(
      `SELECT to_char(to_timestamp(ts / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, model, COALESCE(customer, '') AS customer,
         COUNT(*)::bigint AS requests, SUM(cost_nano)::bigint AS cost, SUM(saved_nano)::bigint AS saved
       FROM ledger GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    const rolled = await b.admin.query(
      `SELECT day, model, customer, SUM(requests)::bigint AS requests, SUM(cost_nano)::bigint AS cost, SUM(saved_nano)::bigint AS saved
       FROM rollup_day GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    expect(rolled.rows).toEqual(raw.rows);
    const hours = await b.admin.query('SELECT SUM(requests)::int AS n, SUM(cost_nano)::bigint AS c FROM rollup_hour');
    const convs = await b.admin.query('SELECT SUM(requests)::int AS n, SUM(cost_nano)::bigint AS c FROM rollup_conversation_day');
    const total = String(rows.reduce((s, r) => s + r.costNano, 0));
    expect(hours.rows[0]).toEqual({ n: rows.length, c: total });
    expect(convs.rows[0]).toEqual({ n: rows.length, c: total });
  });

  it('creates a partition per month, and detaches a month', async () => {
    const b = await backend();
    const ledger = await b.openLedger(PG_URL);
    const months = ['2026-10-31T23:59:59.999Z', '2026-11-01T00:00:00Z', '2026-11-20T10:00:00Z', '2026-12-15T00:00:00Z'];
    for (const m of months) ledger.append(makeRow({ ts: Date.parse(m), costNano: 10 }));
    await ledger.flush();
    expect(await ledger.partitions.list()).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(await count(b.admin, 'SELECT COUNT(*) AS n FROM ledger_2026_11')).toBe(2);
    expect(await count(b.admin, 'SELECT COUNT(*) AS n FROM ledger_default')).toBe(0);

    expect(await ledger.partitions.detach('2026-10')).toBe('ledger_2026_10');
    expect(await ledger.partitions.list()).toEqual(['2026-11', '2026-12']);
    expect(await b.countRows()).toBe(3); // the month left the ledger...
    expect(await count(b.admin, 'SELECT COUNT(*) AS n FROM ledger_2026_10')).toBe(1); // ...into its own table
    const [oct] = await ledger.usage({ from: Date.parse('2026-10-01'), to: Date.parse('2026-11-01'), groupBy: 'day' });
    expect(oct).toMatchObject({ key: '2026-10-31', requests: 1 }); // rollups keep its totals
    await expect(ledger.partitions.detach("2026-10; DROP TABLE ledger")).rejects.toThrow(/not a month/);
  });

  it('drops a row PostgreSQL refuses (a NUL byte) without holding back the rest of its batch', async () => {
    const b = await backend();
    const ledger = await b.openLedger(PG_URL);
    ledger.append(makeRow());
    ledger.append(makeRow({ feature: 'bad\u0000feature' }));
    ledger.append(makeRow());
    await ledger.flush();
    expect(await b.countRows()).toBe(2);
    expect(ledger.stats()).toMatchObject({ rejected: 1, degraded: false });
  });

  it('answers every query exactly as the SQLite ledger does, over the same rows', async () => {
    const b = await backend();
    const pgLedger = await b.openLedger(PG_URL);
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-parity-'));
    const db = openSqlite(join(dir, 'p.db'), SQLITE_MIGRATIONS);
    const sqlite = new SqliteLedger(db, { flushIntervalMs: 10_000 });
    cleanups.push(async () => {
      await sqlite.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const pick = <T>(xs: T[]) => xs[rand(xs.length)]!;
    for (let i = 0; i < 3000; i++) {
      const saved = pick([0, 0, 0, 13, 200]);
      const row = makeRow({
        id: `r${i}`,
        // Across a month boundary; `+ i` keeps every ts distinct (SQLite leaves the order of equal ts unspecified).
        ts: Date.parse('2026-10-25T00:00:00Z') + rand(20 * 24) * HOUR + i,
        app: pick(['support', 'search', 'ops']),
        provider: pick(['openai', 'anthropic']),
        model: pick(['gpt-4o', 'gpt-4o-mini', 'claude-haiku', 'Zeta', 'émile']),
        feature: pick([null, 'chat', 'rerank']),
        customer: pick([null, 'acme', 'beta']),
        conversation: pick([null, null, ...Array.from({ length: 40 }, (_, k) => `c${k}`)]),
        status: pick([200, 200, 200, 429, 500]),
        endpoint: pick(['openai-chat', 'openai-embeddings', 'anthropic-messages']),
        cache: saved ? pick(['hit', 'miss', null] as const) : null,
        costNano: rand(1_000_000),
        savedNano: saved,
        promptCacheSavedNano: pick([0, 0, 40]),
        tokensIn: rand(5000),
        tokensOut: rand(800),
      });
      sqlite.append(row);
      pgLedger.append(row);
    }
    const sq = new SqliteLedgerQueries(db, () => sqlite.flush());
    const pq = pgLedger.queries();
    const from = Date.parse('2026-10-20T00:00:00Z');
    const to = Date.parse('2026-11-20T00:00:00Z');
    for (const groupBy of ['day', 'model', 'app', 'feature', 'customer', 'conversation', 'provider'] as const) {
      for (const app of [undefined, 'search']) {
        expect(await pgLedger.usage({ from, to, groupBy, ...(app ? { app } : {}) })).toEqual(await sqlite.usage({ from, to, groupBy, ...(app ? { app } : {}) }));
      }
    }
    expect(await pgLedger.costByHour(from)).toEqual(await sqlite.costByHour(from));
    expect(await pgLedger.costByHour(from + 5 * DAY, { column: 'customer', value: 'acme' })).toEqual(await sqlite.costByHour(from + 5 * DAY, { column: 'customer', value: 'acme' }));
    const filterSets = [{}, { app: 'support' }, { feature: '(none)', customer: 'acme' }, { model: 'émile', customer: '(none)' }];
    for (const filters of filterSets) {
      for (const by of [null, 'model', 'app', 'feature', 'customer', 'provider'] as const) {
        expect(await pq.daily('2026-10-26', '2026-11-10', by, filters)).toEqual(await sq.daily('2026-10-26', '2026-11-10', by, filters));
        if (by) expect(await pq.totals('2026-10-26', '2026-11-10', by, filters)).toEqual(await sq.totals('2026-10-26', '2026-11-10', by, filters));
        const h = Math.floor(Date.parse('2026-10-30T00:00:00Z') / HOUR);
        const pgHours = (await pq.hourly(h, h + 72, by, filters)).map((p) => ({ ...p, bucket: String(p.bucket) }));
        expect(pgHours).toEqual((await sq.hourly(h, h + 72, by, filters)).map((p) => ({ ...p, bucket: String(p.bucket) })));
      }
      const page = async (q: typeof pq | typeof sq, offset: number) => q.requests(from, to, filters, 50, offset);
      for (const offset of [0, 100]) expect(await page(pq, offset)).toEqual(await page(sq, offset));
    }
    for (const app of [undefined, 'ops']) {
      for (const [f, t] of [['2026-10-01', '2026-12-01'], ['2026-11-02', '2026-11-05']] as const) {
        expect(await pq.topConversations(f, t, app, 5)).toEqual(await sq.topConversations(f, t, app, 5));
        const sorted = (c: { costsNano: number[]; sampleRate: number }) => ({ ...c, costsNano: [...c.costsNano].sort((x, y) => x - y) });
        expect(sorted(await pq.conversationCosts(f, t, app))).toEqual(sorted(await sq.conversationCosts(f, t, app)));
      }
      expect(await pq.savings('2026-10-01', '2026-12-01', app)).toEqual(await sq.savings('2026-10-01', '2026-12-01', app));
    }
  });
});
