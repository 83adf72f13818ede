import { z } from 'zod';
import type { BudgetInput } from '../../controls/index.js';
import { nanoToUsd } from '../../money/nano.js';
import { ValidationError } from '../../util/validate.js';
import { GatewayError } from '../errors.js';
import { sendJson } from '../http.js';
import { jsonBody, validate, type AdminRoute } from './context.js';
import { parseQuery, timeRange, UsageQuerySchema } from './query.js';
import { burndown, exhaustsAt } from '../../analytics/index.js';

const CreateKeySchema = z.object({ app: z.string().min(1), name: z.string().max(100).optional() }).strict();

/** Keys, requests, usage, budgets, alerts, cache, metrics. */
export const CORE_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: /^\/metrics$/,
    async handle({ res, deps }) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(await deps.metricsText());
    },
  },
  { method: 'GET', path: /^\/api\/keys$/, handle: async ({ res, deps }) => sendJson(res, 200, { keys: await deps.keys.list() }) },
  {
    method: 'POST',
    path: /^\/api\/keys$/,
    async handle({ req, res, deps }) {
      const input = validate(CreateKeySchema, await jsonBody(req));
      let created;
      try {
        created = await deps.keys.create(input.app, input.name);
      } catch (err) {
        throw new GatewayError(400, 'invalid_request', (err as Error).message);
      }
      sendJson(res, 201, { ...created.key, key: created.secret });
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/keys\/([\w-]+)$/,
    async handle({ res, params, deps }) {
      if (!(await deps.keys.revoke(params[0]!))) throw new GatewayError(404, 'not_found', `no key ${params[0]}`);
      sendJson(res, 200, { id: params[0], revoked: true });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/requests\/([\w-]+)$/,
    async handle({ res, params, deps }) {
      const row = await deps.ledger.get(params[0]!);
      if (!row) throw new GatewayError(404, 'not_found', `no request ${params[0]}`);
      sendJson(res, 200, { ...row, costUsd: nanoToUsd(row.costNano), savedUsd: nanoToUsd(row.savedNano) });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/usage$/,
    async handle({ res, url, deps }) {
      const q = parseQuery(UsageQuerySchema, url.searchParams);
      const range = timeRange(q);
      const groups = await deps.ledger.usage({ ...range, groupBy: q.groupBy, ...(q.app ? { app: q.app } : {}) });
      const rows = groups.map((g) => ({ ...g, costUsd: nanoToUsd(g.costNano), savedUsd: nanoToUsd(g.savedNano) }));
      const total = groups.reduce((s, g) => s + g.costNano, 0);
      sendJson(res, 200, { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), groupBy: q.groupBy, totalCostNano: total, totalCostUsd: nanoToUsd(total), groups: rows });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/budgets$/,
    async handle({ res, deps }) {
      const now = Date.now();
      const budgets = (await deps.budgets.status(now)).map((s) => ({ ...s, exhaustsAt: exhaustsAt(s, now) }));
      sendJson(res, 200, { budgets });
    },
  },
  {
    method: 'POST',
    path: /^\/api\/budgets$/,
    async handle({ req, res, deps }) {
      try {
        sendJson(res, 200, { budget: await deps.budgetStore.set((await jsonBody(req)) as BudgetInput) });
      } catch (err) {
        if (err instanceof ValidationError) throw new GatewayError(400, 'invalid_request', err.message);
        throw err;
      }
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/budgets\/([\w.-]+)$/,
    async handle({ res, params, deps }) {
      if (!(await deps.budgetStore.remove(params[0]!))) throw new GatewayError(404, 'not_found', `no stored budget ${params[0]} (budgets from the config file are removed there)`);
      sendJson(res, 200, { id: params[0], removed: true });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/budgets\/([\w.-]+)\/burndown$/,
    async handle({ res, url, params, deps }) {
      const now = Date.now();
      const all = await deps.budgets.status(now);
      const value = url.searchParams.get('value');
      const status = all.find((s) => s.id === params[0] && (value === null || s.value === value));
      if (!status) throw new GatewayError(404, 'not_found', `no budget ${params[0]}`);
      sendJson(res, 200, { budget: status, points: await burndown(deps.queries, status, now) });
    },
  },
  { method: 'GET', path: /^\/api\/alerts$/, handle: async ({ res, deps }) => sendJson(res, 200, { alerts: await deps.alerts.list() }) },
  {
    method: 'DELETE',
    path: /^\/api\/cache$/,
    async handle({ res, url, deps }) {
      const app = url.searchParams.get('app');
      if (!app) throw new GatewayError(400, 'invalid_request', 'app is required: DELETE /api/cache?app=NAME');
      const removed = (await deps.cache.deletePrefix(`rc:${app}:`)) + (await deps.cache.deletePrefix(`ec:${app}:`));
      sendJson(res, 200, { app, removed });
    },
  },
];
