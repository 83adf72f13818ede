// Ledger insert rate, SQLite vs PostgreSQL: appends BENCH_ROWS rows (default 100,000) of varied,
// realistic rows and times until every row and its rollups are stored. Also reports what one
// append costs the request path (it only queues). Run after `npm run build`:
//   node bench/ledger.mjs            (PostgreSQL from BURNRATE_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SQLITE_MIGRATIONS } from '../dist/db/migrations.js';
import { openSqlite } from '../dist/db/sqlite.js';
import { SqliteLedger } from '../dist/ledger/index.js';
import { PostgresLedger } from '../dist/ledger/postgres/index.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const PG_URL = process.env.BURNRATE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const start = Date.parse('2026-11-01T00:00:00Z');
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'claude-haiku', 'gemini-2.5-flash'];

/** A month of traffic: 8 apps, 5 models, 500 customers, 5,000 conversations. */
function rows(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const model = models[i % models.length];
    out.push({
      id: randomUUID(), ts: start + Math.floor((i / n) * 30 * 86_400_000), app: `app${i % 8}`, keyId: `key_${i % 20}`,
      feature: i % 3 ? `feature${i % 6}` : null, customer: i % 4 ? `cust${i % 500}` : null, conversation: i % 2 ? `conv${i % 5000}` : null,
      user: null, tags: i % 10 ? null : { team: 'cx' }, endpoint: 'openai-chat', provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      model, requestedModel: model, returnedModel: model, stream: i % 2 === 0, status: i % 50 ? 200 : 500, errorCode: null,
      usage: { input: 900, cache_read: 300, output: 200 }, tokensIn: 1200, tokensOut: 200, costNano: 1000 + (i % 7919), savedNano: i % 9 ? 0 : 500,
      promptCacheSavedNano: i % 5 ? 0 : 120, cache: i % 9 ? 'miss' : 'hit', estimated: false, latencyMs: 420.5, ttftMs: 180, catalogVersion: 'bench', route: null,
    });
  }
  return out;
}

async function measure(ledger, data) {
  const t0 = performance.now();
  for (const r of data) ledger.append(r);
  const appendNs = ((performance.now() - t0) * 1e6) / data.length;
  await ledger.flush();
  const s = (performance.now() - t0) / 1000;
  return { seconds: s, rate: data.length / s, appendNs };
}

const data = rows(ROWS);
const results = [];

const dir = mkdtempSync(join(tmpdir(), 'burnrate-bench-ledger-'));
try {
  const db = openSqlite(join(dir, 'ledger.db'), SQLITE_MIGRATIONS);
  const ledger = new SqliteLedger(db);
  results.push({ engine: 'SQLite (WAL, batches of 2000)', ...(await measure(ledger, data)) });
  await ledger.close();
  db.close();

  const schema = `burnrate_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  const reachable = await admin.connect().then(
    () => true,
    (err) => console.error(`PostgreSQL not reachable at ${PG_URL}: ${err.message} (set BURNRATE_BENCH_PG_URL)`),
  );
  if (reachable) {
    try {
      const pgLedger = await PostgresLedger.open(PG_URL, { schema, spoolDir: join(dir, 'spool') });
      results.push({ engine: 'PostgreSQL (batches of 1000)', ...(await measure(pgLedger, data)) });
      await pgLedger.close();
      const big = await PostgresLedger.open(PG_URL, { schema: `${schema}_b`, spoolDir: join(dir, 'spool-b'), maxBatch: 5000 });
      results.push({ engine: 'PostgreSQL (batches of 5000)', ...(await measure(big, data)) });
      await big.close();
      const two = await Promise.all([0, 1].map(() => PostgresLedger.open(PG_URL, { schema: `${schema}_2`, spoolDir: join(dir, `spool${Math.random()}`) })));
      const half = Math.floor(data.length / 2);
      const t0 = performance.now();
      const [a, b] = await Promise.all([measure(two[0], data.slice(0, half)), measure(two[1], data.slice(half))]);
      const s = (performance.now() - t0) / 1000;
      results.push({ engine: 'PostgreSQL, 2 writers', seconds: s, rate: data.length / s, appendNs: (a.appendNs + b.appendNs) / 2 });
      await Promise.all(two.map((l) => l.close()));
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS ${schema}_2 CASCADE`);
      await admin.query(`DROP SCHEMA IF EXISTS ${schema}_b CASCADE`);
      await admin.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nledger insert rate, ${ROWS.toLocaleString('en-US')} rows (each batch: the rows and 7 rollup tables, in one transaction)\n`);
console.log(`${'engine'.padEnd(32)}${'seconds'.padStart(9)}${'rows/s'.padStart(10)}${'append ns'.padStart(11)}`);
for (const r of results) {
  console.log(`${r.engine.padEnd(32)}${r.seconds.toFixed(2).padStart(9)}${Math.round(r.rate).toLocaleString('en-US').padStart(10)}${Math.round(r.appendNs).toString().padStart(11)}`);
}
