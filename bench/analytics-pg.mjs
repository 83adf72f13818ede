// `node bench/analytics-pg.mjs [ROWS]` (after `npm run build`): the PostgreSQL twin of
// bench/analytics.mjs. Builds a ledger of ROWS requests (default 10 million) over 30 days in a private
// schema, then times every analytics endpoint's query through PostgresLedgerQueries. Prints one table.
//
// The schema comes from the real migrations (PostgresLedger.open) and the monthly partitions from
// Partitions.ensureFor, but the rows do not go through the writer (~12k rows/s, ~14 min for 10 M):
// they are generated server-side with INSERT ... SELECT FROM generate_series (the same mix as
// bench/analytics.mjs), and every rollup is then built with one INSERT ... SELECT ... GROUP BY holding
// exactly what the writer (pg-write.ts rollUpBatch) would have stored. The indexes of the filled tables
// are dropped for the load and rebuilt from their own definitions (checked identical afterwards), then
// VACUUM ANALYZE. `--check` (for small ROWS) proves the rollups: it replays the generated rows through
// PostgresLedger into a second schema and compares every rollup table row for row.
//
//   BURNRATE_BENCH_PG_URL   server (default postgres://postgres@127.0.0.1:5432/postgres)
//   BURNRATE_BENCH_KEEP=1   keep the schema (printed) instead of dropping it, e.g. to EXPLAIN queries
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresLedger } from '../dist/ledger/postgres/index.js';
import { fromPg, SELECT_COLUMNS } from '../dist/ledger/postgres/pg-rows.js';
import { conversationBucket } from '../dist/ledger/rollup.js';
import { analyticsEndpoints, timeEndpoints } from './analytics-endpoints.mjs';

const args = process.argv.slice(2);
const CHECK = args.includes('--check');
const ROWS = Number(args.find((a) => !a.startsWith('--')) ?? 10_000_000);
const PG_URL = process.env.BURNRATE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEEP = process.env.BURNRATE_BENCH_KEEP === '1';
const DAYS = 30;
const CHUNK = 500_000;
const DAY_MS = 86_400_000;
const now = Date.now();
const start = now - DAYS * DAY_MS;

const apps = ['support-bot', 'knowledge-assistant', 'doc-pipeline', 'email-assistant', 'agent'];
const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-4.1-mini', 'gemini-2.5-flash'];
const features = ['chat', 'classify', 'search', 'extract', 'draft', 'tools'];
const sqlArray = (xs) => `ARRAY[${xs.map((x) => `'${x}'`).join(', ')}]`;

const schema = `burnrate_analytics_${randomBytes(4).toString('hex')}`;
const spoolDirs = [];
const spoolDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'burnrate-bench-spool-'));
  spoolDirs.push(d);
  return d;
};
const log = (msg) => process.stderr.write(`${msg}\n`);
const secondsSince = (t) => ((performance.now() - t) / 1000).toFixed(1);

/** A loader connection in the schema: no statement timeout, memory for the big GROUP BYs, no fsync wait per statement. */
async function connect() {
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  await c.query("SET statement_timeout = 0; SET work_mem = '512MB'; SET maintenance_work_mem = '1GB'; SET synchronous_commit = off");
  return c;
}

/**
 * Rows [lo, hi) as bench/analytics.mjs builds them: 5 apps, 6 models (and features) in turn, 5,000
 * customers, conversations of 4 requests, 1 % errors, 10 % with routing savings, evenly spread over
 * 30 days; input 500–8,499 and output 50–849 tokens, uniform (a hash of the row number instead of the
 * JS bench's sequential LCG, so any chunk can be generated on its own).
 */
function insertChunk(lo, hi) {
  return `
    INSERT INTO ledger (${SELECT_COLUMNS})
    SELECT 'r' || i, ${start} + floor((i::float8 / ${ROWS}) * ${DAYS} * ${DAY_MS})::bigint, (${sqlArray(apps)})[i % 5 + 1], NULL,
      (${sqlArray(features)})[i % 6 + 1], 'c' || (i % 5000), 'conv' || (i / 4), NULL, NULL, 'openai-chat', 'openai', m, m, NULL, false,
      CASE WHEN i % 100 = 0 THEN 500 ELSE 200 END, NULL, jsonb_build_object('input', tin, 'output', tout), tin, tout,
      tin * 150 + tout * 600, CASE WHEN i % 10 = 0 THEN 5000 ELSE 0 END, 0, NULL, false, 800, NULL, 'bench', NULL, false, false
    FROM (
      SELECT i, (${sqlArray(models)})[i % 6 + 1] AS m,
        500 + (hashint8extended(i, 1) & 1073741823) % 8000 AS tin, 50 + (hashint8extended(i, 2) & 1073741823) % 800 AS tout
      FROM generate_series(${lo}::bigint, ${hi - 1}::bigint) AS i
    ) g`;
}

/** A UTC day number (epoch ms / 86,400,000) as rollup.ts utcDay writes it. */
const dayText = (d) => `to_char(DATE '1970-01-01' + (${d})::int, 'YYYY-MM-DD')`;
const SUMS = `COUNT(*), COUNT(*) FILTER (WHERE status >= 400), SUM(tokens_in), SUM(tokens_out), SUM(cost_nano), SUM(saved_nano)`;
const RESUM = `SUM(requests), SUM(errors), SUM(tokens_in), SUM(tokens_out), SUM(cost_nano), SUM(saved_nano)`;
const SUM_COLS = 'requests, errors, tokens_in, tokens_out, cost_nano, saved_nano';

/** Every rollup of pg-write.ts rollUpBatch, from the whole ledger at once: same keys, '' for "no value". */
const ROLLUPS = [
  ['rollup_day', `
    INSERT INTO rollup_day (day, app, provider, model, feature, customer, ${SUM_COLS})
    SELECT ${dayText('d')}, app, provider, model, feature, customer, requests, errors, tin, tout, cost, saved FROM (
      SELECT ts / ${DAY_MS} AS d, app, provider, model, COALESCE(feature, '') AS feature, COALESCE(customer, '') AS customer,
        ${SUMS} FROM ledger GROUP BY 1, 2, 3, 4, 5, 6
    ) s(d, app, provider, model, feature, customer, requests, errors, tin, tout, cost, saved)`],
  // The compact and customer rollups are sums of rollup_day's cells: the same totals, far less to read.
  ['rollup_compact_day', `
    INSERT INTO rollup_compact_day (day, app, provider, model, feature, ${SUM_COLS})
    SELECT day, app, provider, model, feature, ${RESUM} FROM rollup_day GROUP BY 1, 2, 3, 4, 5`],
  // The writer skips rows without a customer (null or '').
  ['rollup_customer_day', `
    INSERT INTO rollup_customer_day (day, app, customer, ${SUM_COLS})
    SELECT day, app, customer, ${RESUM} FROM rollup_day WHERE customer <> '' GROUP BY 1, 2, 3`],
  // Hourly: customer is always ''.
  ['rollup_hour', `
    INSERT INTO rollup_hour (hour, app, provider, model, feature, customer, ${SUM_COLS})
    SELECT ts / 3600000, app, provider, model, COALESCE(feature, ''), '', ${SUMS} FROM ledger GROUP BY 1, 2, 3, 4, 5`],
  ['rollup_conversation_day', `
    INSERT INTO rollup_conversation_day (day, app, conversation, ${SUM_COLS})
    SELECT ${dayText('d')}, app, conversation, requests, errors, tin, tout, cost, saved FROM (
      SELECT ts / ${DAY_MS}, app, conversation, ${SUMS} FROM ledger WHERE conversation <> '' GROUP BY 1, 2, 3
    ) s(d, app, conversation, requests, errors, tin, tout, cost, saved)`],
  // sampled = conversationBucket(conversation): FNV-1a, computed in JS (conversation_bucket, filled below).
  // Straight from the ledger, so it can run beside rollup_conversation_day.
  ['rollup_conversation', `
    INSERT INTO rollup_conversation (conversation, app, first_day, last_day, requests, cost_nano, sampled)
    SELECT s.conversation, s.app, ${dayText('s.first')}, ${dayText('s.last')}, s.requests, s.cost, b.sampled FROM (
      SELECT conversation, app, MIN(ts / ${DAY_MS}), MAX(ts / ${DAY_MS}), COUNT(*), SUM(cost_nano) FROM ledger WHERE conversation <> '' GROUP BY 1, 2
    ) s(conversation, app, first, last, requests, cost) JOIN conversation_bucket b USING (conversation)`],
  // rollup.ts savingsOf: saved_nano by where it came from, and prompt caching on its own.
  ['rollup_savings_day', `
    INSERT INTO rollup_savings_day (day, app, kind, saved_nano)
    SELECT ${dayText('d')}, app, kind, nano FROM (
      SELECT d, app, kind, SUM(nano) FROM (
        SELECT ts / ${DAY_MS} AS d, app,
          CASE WHEN endpoint = 'openai-embeddings' THEN 'embeddings_cache' WHEN cache = 'hit' THEN 'response_cache' ELSE 'routing' END AS kind,
          saved_nano AS nano
        FROM ledger WHERE saved_nano <> 0
        UNION ALL
        SELECT ts / ${DAY_MS}, app, 'prompt_cache', prompt_cache_saved_nano FROM ledger WHERE prompt_cache_saved_nano > 0
      ) x GROUP BY 1, 2, 3
    ) s(d, app, kind, nano)`],
];
const ROLLUP_TABLES = ROLLUPS.map(([t]) => t);

const LOADED_TABLES = ['ledger', ...ROLLUP_TABLES];

/** Every index of the schema (partitions' included), to prove the rebuilt ones are the migrations'. */
async function indexes(c) {
  const { rows } = await c.query('SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1, 2', [schema]);
  return JSON.stringify(rows);
}

/**
 * The indexes and primary keys of the tables the load fills, as DDL to drop and to recreate them:
 * building an index once over loaded rows is far cheaper than 10 M random insertions into it.
 * On the partitioned ledger this is its (partitioned) indexes, which the partitions' follow.
 */
async function indexDdl(c) {
  const { rows } = await c.query(
    `SELECT t.relname AS tbl, i.relname AS idx, pg_get_indexdef(i.oid) AS def, con.conname, pg_get_constraintdef(con.oid) AS condef
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = t.oid
     WHERE n.nspname = $1 AND t.relname = ANY($2) ORDER BY 1, 2`,
    [schema, LOADED_TABLES],
  );
  return rows.map((r) => ({
    table: r.tbl,
    drop: r.conname ? `ALTER TABLE ${r.tbl} DROP CONSTRAINT ${r.conname}` : `DROP INDEX ${r.idx}`,
    // pg_get_indexdef says ON ONLY for a partitioned index (the partitions' are attached separately): build them all.
    create: r.conname ? `ALTER TABLE ${r.tbl} ADD CONSTRAINT ${r.conname} ${r.condef}` : r.def.replace(' ON ONLY ', ' ON '),
  }));
}

/** Runs lanes of statements side by side, one connection each (two cores: two lanes). */
async function lanes(...work) {
  await Promise.all(
    work.map(async (steps) => {
      const c = await connect();
      try {
        for (const step of steps) await step(c);
      } finally {
        await c.end();
      }
    }),
  );
}

async function load(ledger) {
  const t0 = performance.now();
  // The monthly partitions the rows fall in, as the writer creates them before a batch.
  const stamps = [];
  for (let ts = start; ts < now; ts += DAY_MS) stamps.push(ts);
  await ledger.partitions.ensureFor([...stamps, now - 1]);

  const admin = await connect();
  const before = await indexes(admin);
  const ddl = await indexDdl(admin);
  for (const d of ddl) await admin.query(d.drop);

  // Two lanes taking chunks of rows in turn: both cores generate and insert.
  let next = 0;
  let done = 0;
  const rowLane = [];
  while (rowLane.length * CHUNK < ROWS) {
    rowLane.push(async (c) => {
      const lo = next;
      const hi = Math.min(ROWS, lo + CHUNK);
      next = hi;
      await c.query(insertChunk(lo, hi));
      done += hi - lo;
      log(`  ${(done / 1e6).toFixed(1)} M rows, ${Math.round(done / ((performance.now() - t0) / 1000)).toLocaleString('en-US')} rows/s`);
    });
  }
  const half = Math.ceil(rowLane.length / 2);
  await lanes(rowLane.slice(0, half), rowLane.slice(half));
  const rowsSeconds = secondsSince(t0);

  const step = (table, sql) => async (c) => {
    const t = performance.now();
    const r = await c.query(sql);
    log(`  ${table}: ${r.rowCount === null ? '' : `${r.rowCount.toLocaleString('en-US')} rows, `}${secondsSince(t)} s`);
  };
  const rollup = (table) => step(table, ROLLUPS.find(([t]) => t === table)[1]);
  // conversationBucket of every conversation id, from the function the writer uses.
  const buckets = async (c) => {
    const t = performance.now();
    await c.query('CREATE TEMP TABLE conversation_bucket (conversation TEXT PRIMARY KEY, sampled SMALLINT NOT NULL)');
    const conversations = Math.ceil(ROWS / 4);
    for (let lo = 0; lo < conversations; lo += 200_000) {
      const ids = [];
      for (let k = lo; k < Math.min(conversations, lo + 200_000); k++) ids.push(`conv${k}`);
      await c.query('INSERT INTO conversation_bucket SELECT * FROM unnest($1::text[], $2::smallint[])', [ids, ids.map(conversationBucket)]);
    }
    await c.query('ANALYZE conversation_bucket');
    log(`  conversation buckets: ${secondsSince(t)} s`);
  };
  await lanes(
    ['rollup_conversation_day', 'rollup_day', 'rollup_compact_day', 'rollup_customer_day'].map(rollup),
    [buckets, ...['rollup_conversation', 'rollup_hour', 'rollup_savings_day'].map(rollup)],
  );

  // The indexes back: the ledger's in one lane, the rollups' in the other.
  const t2 = performance.now();
  const build = (d) => step(`index ${d.create.match(/(?:CONSTRAINT|INDEX) (\S+)/)[1]}`, d.create);
  await lanes(ddl.filter((d) => d.table === 'ledger').map(build), ddl.filter((d) => d.table !== 'ledger').map(build));
  if ((await indexes(admin)) !== before) throw new Error('the rebuilt indexes differ from the migrations\'');
  log(`  indexes rebuilt (identical to the migrations'): ${secondsSince(t2)} s`);

  try {
    const t3 = performance.now();
    await admin.query(`VACUUM ANALYZE ledger`);
    for (const table of ROLLUP_TABLES) await admin.query(`VACUUM ANALYZE ${table}`);
    log(`  VACUUM ANALYZE: ${secondsSince(t3)} s`);

    // Every request is counted once in each rollup, and the money adds up.
    const c = admin;
    const { rows: [l] } = await c.query('SELECT COUNT(*)::bigint AS n, SUM(cost_nano)::bigint AS cost FROM ledger');
    const { rows: [r] } = await c.query('SELECT SUM(requests)::bigint AS n, SUM(cost_nano)::bigint AS cost FROM rollup_day');
    if (Number(l.n) !== ROWS) throw new Error(`ledger holds ${l.n} rows, expected ${ROWS}`);
    if (l.cost !== r.cost || r.n !== l.n) throw new Error(`rollup_day (${r.n} requests, ${r.cost} nano) != ledger (${l.n}, ${l.cost})`);
    for (const table of ['rollup_compact_day', 'rollup_customer_day', 'rollup_hour', 'rollup_conversation_day', 'rollup_conversation']) {
      const { rows: [t] } = await c.query(`SELECT SUM(requests)::bigint AS n, SUM(cost_nano)::bigint AS cost FROM ${table}`);
      if (t.n !== l.n || t.cost !== l.cost) throw new Error(`${table} (${t.n} requests, ${t.cost} nano) != ledger (${l.n}, ${l.cost})`);
    }
    log(`  verified: ${Number(l.n).toLocaleString('en-US')} rows, ${l.cost} nano-USD in the ledger and in every rollup`);
  } finally {
    await admin.end();
  }
  return { seconds: (performance.now() - t0) / 1000, rowsSeconds };
}

/** Replays the generated rows through the real writer into a second schema and compares every rollup. */
async function checkAgainstWriter(ledger) {
  const other = `${schema}_writer`;
  const writer = await PostgresLedger.open(PG_URL, { spoolDir: spoolDir(), schema: other, maxBatch: 5000, flushIntervalMs: 3_600_000 });
  const c = await connect();
  try {
    const { rows } = await ledger.pool.query(`SELECT ${SELECT_COLUMNS} FROM ledger ORDER BY ts, id`);
    for (const row of rows) writer.append(fromPg(row));
    await writer.flush();
    for (const table of ROLLUP_TABLES) {
      const { rows: [d] } = await c.query(
        `SELECT (SELECT COUNT(*) FROM (TABLE ${schema}.${table} EXCEPT ALL TABLE ${other}.${table}) a)
              + (SELECT COUNT(*) FROM (TABLE ${other}.${table} EXCEPT ALL TABLE ${schema}.${table}) b) AS n,
                (SELECT COUNT(*) FROM ${other}.${table}) AS total`,
      );
      if (Number(d.n) !== 0) throw new Error(`${table}: ${d.n} rows differ from what the writer stores`);
      log(`  check: ${table} identical to the writer's (${d.total} rows)`);
    }
  } finally {
    await writer.close();
    await c.query(`DROP SCHEMA IF EXISTS ${other} CASCADE`);
    await c.end();
  }
}

async function time(q) {
  return (await timeEndpoints(analyticsEndpoints(q, now, DAYS))).map((r) => [r.name, r.medianMs, r.firstMs]);
}

const ledger = await PostgresLedger.open(PG_URL, { spoolDir: spoolDir(), schema, flushIntervalMs: 3_600_000 });
try {
  log(`schema ${schema}: loading ${ROWS.toLocaleString('en-US')} rows`);
  const loaded = await load(ledger);
  if (CHECK) await checkAgainstWriter(ledger);
  const { rows: [size] } = await ledger.pool.query(
    `SELECT pg_size_pretty(SUM(pg_total_relation_size(c.oid))) AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
    [schema],
  );
  const results = await time(ledger.queries());
  const { rows: [v] } = await ledger.pool.query("SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb");
  console.log(
    `\nAnalytics on ${ROWS.toLocaleString('en-US')} ledger rows (PostgreSQL ${v.v}, shared_buffers ${v.sb}, ${DAYS} days, ${size.s} with indexes and rollups), ` +
      `loaded in ${loaded.seconds.toFixed(0)} s (rows ${loaded.rowsSeconds} s, then rollups and VACUUM ANALYZE)\n`,
  );
  console.log('| endpoint | ms (median of 5, warm) | first run ms |\n|---|---|---|');
  for (const [name, ms, first] of results) console.log(`| ${name} | ${ms.toFixed(1)} | ${first.toFixed(1)} |`);
} finally {
  await ledger.close();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  if (KEEP) log(`kept schema ${schema} (DROP SCHEMA ${schema} CASCADE when done)`);
  else await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
  for (const d of spoolDirs) rmSync(d, { recursive: true, force: true });
}
