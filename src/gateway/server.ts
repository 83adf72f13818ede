import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Catalog } from '../catalog/index.js';
import type { Config } from '../config/schema.js';
import type { SqliteDb } from '../db/sqlite.js';
import type { SqlClient } from '../db/sql-client.js';
import { AdminToken, KeyStore } from '../keys/index.js';
import { TokenCounter } from '../tokens/index.js';
import { handleAdmin, type AdminDeps } from './admin/router.js';
import { demoRequester } from './demo-request.js';
import { serveDashboard } from './static.js';
import { GatewayError } from './errors.js';
import { Forwarder } from './forward.js';
import { sendJson } from './http.js';
import { GatewayMetrics } from './metrics.js';
import { listModels } from './models.js';
import { handleProxy, sendError, type GatewayDeps } from './pipeline.js';
import type { Dialect } from './providers/types.js';
import { buildUpstreams } from './upstreams.js';
import { openSharedState, openStorage } from './storage.js';
import { watchAnomalies } from './anomaly-watch.js';
import { scheduleDigest } from './digest-schedule.js';
import { AlertCenter } from '../alerts/index.js';
import { BudgetGuard, BudgetStore, LoopBreaker, RateLimiter, type SpendSource } from '../controls/index.js';
import type { LedgerQueries, LedgerStore, SpendColumn } from '../ledger/types.js';
import { JournaledLedger } from '../ledger/journal.js';
import { ReviewSampleStore } from '../review/samples.js';
import { ReviewSampler } from './review-sampler.js';

const SPEND_COLUMN_OF_SCOPE: Record<string, SpendColumn | undefined> = { app: 'app', key: 'keyId', customer: 'customer', feature: 'feature', model: 'model' };

/** Budget counters are rebuilt from the ledger: spend by hour since the period started. */
function spendFromLedger(ledger: LedgerStore): SpendSource {
  return (from, scope, value) => {
    const column = SPEND_COLUMN_OF_SCOPE[scope];
    return ledger.costByHour(from, column ? { column, value } : undefined);
  };
}

const PROXY_ROUTES: Record<string, Dialect> = {
  '/v1/chat/completions': 'openai-chat',
  '/v1/responses': 'openai-responses',
  '/v1/embeddings': 'openai-embeddings',
  '/v1/messages': 'anthropic-messages',
  '/v1/messages/count_tokens': 'anthropic-count-tokens',
  // SDKs configured with a base URL without /v1 still work.
  '/chat/completions': 'openai-chat',
  '/responses': 'openai-responses',
  '/embeddings': 'openai-embeddings',
};

export interface GatewayOptions {
  config: Config;
  env?: NodeJS.ProcessEnv;
  /** Defaults to the catalog installed in the data directory (else the bundled one) plus `config.prices`. */
  catalog?: Catalog;
}

export interface Gateway {
  url: string;
  port: number;
  deps: GatewayDeps;
  /** Read queries over the ledger (rollups). */
  queries: LedgerQueries;
  /** The embedded database (absent with DATABASE_URL). */
  db?: SqliteDb;
  /** The control plane's database, SQLite or PostgreSQL. */
  sql: SqlClient;
  /** Set when this start generated the admin token (print it once). */
  generatedAdminToken: string | undefined;
  close(): Promise<void>;
}

/** The composition root: builds every part, wires the routes, listens. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const env = options.env ?? process.env;
  const catalog = options.catalog ?? Catalog.load(config.prices, config.dataDir);
  const storage = await openStorage(config, env);
  const shared = await openSharedState(config, env);
  const { sql, ledger } = storage;
  const adminToken = await AdminToken.load(sql, env.BURNRATE_ADMIN_TOKEN);
  const budgetStore = new BudgetStore(sql, config.budgets);
  await budgetStore.refresh();
  budgetStore.startRefreshing();
  const keys = new KeyStore(sql);
  await keys.refresh();
  keys.startRefreshing();
  const deps: GatewayDeps = {
    config,
    catalog,
    counter: new TokenCounter(),
    keys,
    ledger,
    forwarder: new Forwarder(config.simulated),
    metrics: new GatewayMetrics(),
    upstreams: buildUpstreams(config, env),
    budgetStore,
    budgets: new BudgetGuard(() => budgetStore.list(), shared.budgets, spendFromLedger(ledger), config.reservationLeaseSeconds * 1000),
    rates: new RateLimiter(() => config.rateLimits, shared.windows),
    breaker: new LoopBreaker(shared.windows),
    alerts: new AlertCenter(sql, config.alerts.webhooks),
    cache: shared.cache,
    reviewSamples: new ReviewSampler(new ReviewSampleStore(sql)),
  };
  // Load the tokenizer now rather than on the first budgeted request (~150 ms).
  setImmediate(() => deps.counter.countText('warm up', 'gpt-4o'));
  // Redis came back, maybe empty: counters are rebuilt from the ledger on next use (SET NX: once).
  shared.onReconnect(() => deps.budgets.forgetSeeds());
  const adminDeps: AdminDeps = {
    ...deps,
    adminToken,
    queries: storage.queries,
    sql,
    metricsText: async () => deps.metrics.render(),
    demoRequest: demoRequester(deps, () => url),
  };

  const stopAnomalyWatch = watchAnomalies(storage.queries, deps.alerts);
  const stopDigest = scheduleDigest(adminDeps);

  /** Proxied requests not yet recorded: shutdown waits for them before closing the ledger. */
  let inflight = 0;
  /** Open client connections: cache hits finish within one turn each, so `inflight` alone says nothing of load. */
  let connections = 0;
  if (ledger instanceof JournaledLedger) ledger.alone = () => inflight <= 1 && connections <= 1;
  // One `then` with both callbacks made once, not a `finally` (three promises a request, each a turn
  // of the microtask queue). handleProxy answers its own errors: one that escapes is logged.
  const proxied = () => {
    inflight--;
  };
  const proxyFailed = (err: unknown) => {
    inflight--;
    console.error(`burnrate: ${(err as Error)?.stack ?? String(err)}`);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const dialect = PROXY_ROUTES[path];
    if (dialect && req.method === 'POST') {
      inflight++;
      handleProxy(req, res, dialect, deps).then(proxied, proxyFailed);
      return;
    }
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/v1/models' && req.method === 'GET') {
      void listModels(req, res, deps);
      return;
    }
    if (path.startsWith('/api/') || path === '/metrics') {
      void handleAdmin(req, res, new URL(rawUrl, 'http://gateway'), adminDeps);
      return;
    }
    if (req.method === 'GET' && !path.startsWith('/v1/')) return serveDashboard(req, res, path);
    req.resume();
    sendError(res, path.includes('messages') ? 'anthropic-messages' : 'openai-chat', new GatewayError(404, 'not_found', `no route ${req.method} ${path}`));
  });
  server.on('connection', (socket) => {
    connections++;
    socket.once('close', () => connections--);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  return {
    url,
    port,
    deps,
    queries: storage.queries,
    ...(storage.db ? { db: storage.db } : {}),
    sql,
    generatedAdminToken: adminToken.generated,
    async close() {
      // Stop accepting, let requests in flight finish (up to 10 s), then flush the ledger.
      await new Promise<void>((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
      for (const end = Date.now() + 10_000; inflight > 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
      await deps.forwarder.close();
      await deps.reviewSamples?.flush();
      budgetStore.stopRefreshing();
      stopAnomalyWatch();
      stopDigest();
      keys.stopRefreshing();
      deps.alerts.close();
      await deps.alerts.settled();
      await storage.close();
      await shared.close();
    },
  };
}
