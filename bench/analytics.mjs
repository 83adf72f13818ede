// `node bench/analytics.mjs [ROWS]` (after `npm run build`): builds a ledger of ROWS requests
// (default 10 million) over 30 days in SQLite through the real ledger writer (rollups included),
// then times every analytics endpoint's query. Prints one table.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../dist/db/sqlite.js';
import { SQLITE_MIGRATIONS } from '../dist/db/migrations.js';
import { SqliteLedger, SqliteLedgerQueries } from '../dist/ledger/index.js';
import { analyticsEndpoints, timeEndpoints } from './analytics-endpoints.mjs';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const DAYS = 30;
const now = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'burnrate-analytics-'));
const db = openSqlite(join(dir, 'ledger.db'), SQLITE_MIGRATIONS);
const ledger = new SqliteLedger(db, { maxBatch: 50_000, flushIntervalMs: 3_600_000 });

const apps = ['support-bot', 'knowledge-assistant', 'doc-pipeline', 'email-assistant', 'agent'];
const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-4.1-mini', 'gemini-2.5-flash'];
const features = ['chat', 'classify', 'search', 'extract', 'draft', 'tools'];
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const t0 = performance.now();
const start = now - DAYS * 86_400_000;
for (let i = 0; i < ROWS; i++) {
  const ts = start + Math.floor((i / ROWS) * DAYS * 86_400_000);
  const input = 500 + Math.floor(rnd() * 8000);
  const output = 50 + Math.floor(rnd() * 800);
  ledger.append({
    id: `r${i}`, ts, app: apps[i % 5], keyId: null, feature: features[i % 6], customer: `c${i % 5000}`,
    conversation: `conv${Math.floor(i / 4)}`, user: null, tags: null, endpoint: 'openai-chat', provider: 'openai',
    model: models[i % 6], requestedModel: models[i % 6], returnedModel: null, stream: false, status: i % 100 === 0 ? 500 : 200,
    errorCode: null, usage: { input, output }, tokensIn: input, tokensOut: output, costNano: input * 150 + output * 600,
    savedNano: i % 10 === 0 ? 5000 : 0, cache: null, estimated: false, latencyMs: 800, ttftMs: null, catalogVersion: 'bench', route: null,
    promptCacheSavedNano: 0,
  });
  if (i % 1_000_000 === 999_999) process.stderr.write(`  ${((i + 1) / 1e6).toFixed(0)} M rows, ${Math.round((i + 1) / ((performance.now() - t0) / 1000)).toLocaleString('en-US')} rows/s\n`);
}
await ledger.flush();
const seconds = (performance.now() - t0) / 1000;
const q = new SqliteLedgerQueries(db, () => ledger.flush());
console.log(`\nAnalytics on ${ROWS.toLocaleString('en-US')} ledger rows (SQLite, ${DAYS} days), written in ${seconds.toFixed(0)} s (${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s)\n`);
console.log('| endpoint | ms (median of 5) |\n|---|---|');
for (const r of await timeEndpoints(analyticsEndpoints(q, now, DAYS))) console.log(`| ${r.name} | ${r.medianMs.toFixed(1)} |`);
await ledger.close();
db.close();
