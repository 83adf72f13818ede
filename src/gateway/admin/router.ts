import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AdminToken, KeyStore } from '../../keys/index.js';
import type { LedgerStore } from '../../ledger/types.js';
import { nanoToUsd } from '../../money/nano.js';
import { errorBody, GatewayError } from '../errors.js';
import { presentedKey, readBody, sendJson } from '../http.js';
import { describeZodError } from '../../util/validate.js';
import { parseQuery, timeRange, UsageQuerySchema } from './query.js';
import type { AlertCenter } from '../../alerts/index.js';
import type { CacheStore } from '../../state/types.js';
import type { BudgetGuard, BudgetInput, BudgetStore } from '../../controls/index.js';
import { ValidationError } from '../../util/validate.js';

export interface AdminDeps {
  adminToken: AdminToken;
  keys: KeyStore;
  ledger: LedgerStore;
  budgets: BudgetGuard;
  budgetStore: BudgetStore;
  alerts: AlertCenter;
  cache: CacheStore;
  /** Renders Prometheus metrics. */
  metricsText(): Promise<string>;
}

const CreateKeySchema = z.object({ app: z.string().min(1), name: z.string().max(100).optional() }).strict();

/** The admin token, as a bearer token or the dashboard's cookie. */
export function adminTokenOf(req: IncomingMessage): string | undefined {
  const bearer = presentedKey(req);
  if (bearer) return bearer;
  const cookie = req.headers.cookie;
  const match = cookie ? /(?:^|;\s*)burnrate_admin=([^;]+)/.exec(cookie) : null;
  return match ? decodeURIComponent(match[1]!) : undefined;
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, 1024 * 1024);
  try {
    return raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    throw new GatewayError(400, 'invalid_request', 'the request body is not valid JSON');
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new GatewayError(400, 'invalid_request', describeZodError(parsed.error));
  return parsed.data;
}

/** /api/* and /metrics: every route needs the admin token. */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, deps: AdminDeps): Promise<void> {
  try {
    if (!deps.adminToken.verify(adminTokenOf(req))) {
      req.resume();
      throw new GatewayError(401, 'authentication_failed', 'admin token required');
    }
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/metrics' && method === 'GET') {
      const text = await deps.metricsText();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(text);
      return;
    }
    if (path === '/api/keys' && method === 'GET') return sendJson(res, 200, { keys: deps.keys.list() });
    if (path === '/api/keys' && method === 'POST') {
      const input = validate(CreateKeySchema, await jsonBody(req));
      let created;
      try {
        created = deps.keys.create(input.app, input.name);
      } catch (err) {
        throw new GatewayError(400, 'invalid_request', (err as Error).message);
      }
      return sendJson(res, 201, { ...created.key, key: created.secret });
    }
    const keyMatch = /^\/api\/keys\/([\w-]+)$/.exec(path);
    if (keyMatch && method === 'DELETE') {
      if (!deps.keys.revoke(keyMatch[1]!)) throw new GatewayError(404, 'not_found', `no key ${keyMatch[1]}`);
      return sendJson(res, 200, { id: keyMatch[1], revoked: true });
    }
    const requestMatch = /^\/api\/requests\/([\w-]+)$/.exec(path);
    if (requestMatch && method === 'GET') {
      const row = await deps.ledger.get(requestMatch[1]!);
      if (!row) throw new GatewayError(404, 'not_found', `no request ${requestMatch[1]}`);
      return sendJson(res, 200, { ...row, costUsd: nanoToUsd(row.costNano), savedUsd: nanoToUsd(row.savedNano) });
    }
    if (path === '/api/usage' && method === 'GET') {
      const q = parseQuery(UsageQuerySchema, url.searchParams);
      const range = timeRange(q);
      const groups = await deps.ledger.usage({ ...range, groupBy: q.groupBy, ...(q.app ? { app: q.app } : {}) });
      const rows = groups.map((g) => ({ ...g, costUsd: nanoToUsd(g.costNano), savedUsd: nanoToUsd(g.savedNano) }));
      const total = groups.reduce((s, g) => s + g.costNano, 0);
      return sendJson(res, 200, { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), groupBy: q.groupBy, totalCostNano: total, totalCostUsd: nanoToUsd(total), groups: rows });
    }
    if (path === '/api/budgets' && method === 'GET') return sendJson(res, 200, { budgets: await deps.budgets.status(Date.now()) });
    if (path === '/api/budgets' && (method === 'POST' || method === 'PUT')) {
      let budget;
      try {
        budget = deps.budgetStore.set(await jsonBody(req) as BudgetInput);
      } catch (err) {
        if (err instanceof ValidationError) throw new GatewayError(400, 'invalid_request', err.message);
        throw err;
      }
      return sendJson(res, 200, { budget });
    }
    const budgetMatch = /^\/api\/budgets\/([\w.-]+)$/.exec(path);
    if (budgetMatch && method === 'DELETE') {
      if (!deps.budgetStore.remove(budgetMatch[1]!)) throw new GatewayError(404, 'not_found', `no stored budget ${budgetMatch[1]} (budgets from the config file are removed there)`);
      return sendJson(res, 200, { id: budgetMatch[1], removed: true });
    }
    if (path === '/api/cache' && method === 'DELETE') {
      const app = url.searchParams.get('app');
      if (!app) throw new GatewayError(400, 'invalid_request', 'app is required: DELETE /api/cache?app=NAME');
      const removed = (await deps.cache.deletePrefix(`rc:${app}:`)) + (await deps.cache.deletePrefix(`ec:${app}:`));
      return sendJson(res, 200, { app, removed });
    }
    if (path === '/api/alerts' && method === 'GET') return sendJson(res, 200, { alerts: deps.alerts.list() });
    throw new GatewayError(404, 'not_found', `no route ${method} ${path}`);
  } catch (err) {
    const e = err instanceof GatewayError ? err : new GatewayError(500, 'internal_error', 'internal error');
    if (!(err instanceof GatewayError)) console.error(`burnrate: admin: ${(err as Error).stack ?? String(err)}`);
    const body = errorBody('openai', e);
    res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}
