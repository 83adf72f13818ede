import { z } from 'zod';
import { breakdown, dailySeries, findAnomalies, forecastVsActual, hourlySeries, interactions, overview, rangeOf, savingsSummary, trends } from '../../analytics/index.js';
import { GatewayError } from '../errors.js';
import { DIMENSIONS, type Filters } from '../../ledger/types.js';
import { nanoToUsd } from '../../money/nano.js';
import { sendJson } from '../http.js';
import type { AdminRoute } from './context.js';
import { parseQuery, TimeParam, timeRange } from './query.js';

const AnalyticsQuery = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  by: z.enum(DIMENSIONS).optional(),
  app: z.string().optional(),
  model: z.string().optional(),
  feature: z.string().optional(),
  customer: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

function parse(url: URL) {
  const q = parseQuery(AnalyticsQuery, url.searchParams);
  const { from, to } = timeRange(q);
  const filters: Filters = { app: q.app, model: q.model, feature: q.feature, customer: q.customer };
  return { q, range: rangeOf(from, to), filters };
}

/** /api/analytics/*, /api/savings and the request list behind a chart. */
export const ANALYTICS_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/analytics\/overview$/,
    async handle({ res, url, deps }) {
      const { filters } = parse(url);
      const now = Date.now();
      sendJson(res, 200, await overview(deps.queries, now, filters, await deps.budgets.status(now), await deps.alerts.list(10)));
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/daily$/,
    async handle({ res, url, deps }) {
      const { q, range, filters } = parse(url);
      sendJson(res, 200, await dailySeries(deps.queries, range, q.by ?? null, filters));
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/hourly$/,
    async handle({ res, url, deps }) {
      const { q, filters } = parse(url);
      sendJson(res, 200, await hourlySeries(deps.queries, Date.now(), q.by ?? null, filters));
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/breakdown$/,
    async handle({ res, url, deps }) {
      const by = url.searchParams.get('by') === 'conversation' ? 'conversation' : undefined;
      if (by) url.searchParams.delete('by');
      const { q, range, filters } = parse(url);
      sendJson(res, 200, { rows: await breakdown(deps.queries, range, by ?? q.by ?? 'model', filters) });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/interactions$/,
    async handle({ res, url, deps }) {
      const { range, filters } = parse(url);
      sendJson(res, 200, await interactions(deps.queries, range, filters));
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/trends$/,
    async handle({ res, url, deps }) {
      const { filters } = parse(url);
      sendJson(res, 200, await trends(deps.queries, Date.now(), filters));
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/anomalies$/,
    async handle({ res, url, deps }) {
      const { filters } = parse(url);
      sendJson(res, 200, { anomalies: await findAnomalies(deps.queries, Date.now(), filters) });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/analytics\/forecast-vs-actual$/,
    async handle({ res, url, deps }) {
      const app = url.searchParams.get('app');
      if (!app) throw new GatewayError(400, 'invalid_request', 'app is required');
      const attached = deps.config.apps[app]?.forecast;
      if (!attached) throw new GatewayError(404, 'not_found', `app ${app} has no forecast attached (apps.${app}.forecast in the config: a scenario file or an archetype id)`);
      const { forecast, findArchetype, loadScenario, parseScenario } = await import('../../forecast/index.js');
      const archetype = findArchetype(attached);
      let scenario;
      try {
        scenario = archetype ? parseScenario(archetype.scenario) : loadScenario(attached);
      } catch (err) {
        throw new GatewayError(400, 'invalid_request', (err as Error).message);
      }
      const f = forecast(scenario, deps.catalog, { samples: 200 });
      sendJson(res, 200, await forecastVsActual(deps.queries, Date.now(), app, { perInteractionUsd: f.perInteractionUsd, monthlyApiUsd: f.monthlyApiUsd, interactionsPerMonth: f.traffic.interactionsPerMonth }));
    },
  },
  {
    method: 'GET',
    path: /^\/api\/savings$/,
    async handle({ res, url, deps }) {
      const { range, filters } = parse(url);
      const byDay = [];
      for (let day = range.fromDay; day < range.toDay; day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
        const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        byDay.push({ day, ...(await savingsSummary(deps.queries, day, next, filters.app)) });
      }
      sendJson(res, 200, { total: await savingsSummary(deps.queries, range.fromDay, range.toDay, filters.app), days: byDay });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/requests$/,
    async handle({ res, url, deps }) {
      const { q, range, filters } = parse(url);
      const page = await deps.queries.requests(range.from, range.to, filters, q.limit, q.offset);
      sendJson(res, 200, { total: page.total, rows: page.rows.map((r) => ({ ...r, costUsd: nanoToUsd(r.costNano), savedUsd: nanoToUsd(r.savedNano) })) });
    },
  },
];
