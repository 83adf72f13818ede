import { addDays, dayOf, DAY_MS } from '../analytics/days.js';
import { projectMonth } from '../analytics/projection.js';
import type { Catalog } from '../catalog/catalog.js';
import { priceUsage, ratesForSize } from '../catalog/cost.js';
import type { ModelEntry, Usage } from '../catalog/types.js';
import { USAGE_KINDS } from '../catalog/types.js';
import type { SqlClient } from '../db/sql-client.js';
import type { LedgerQueries, SeriesPoint } from '../ledger/types.js';

/** One app's month at the prices in use and at the new ones. */
export interface AppReprojection {
  /** The app, or `(all)` for the whole installation. */
  app: string;
  /** Month to date as the ledger recorded it (nano-USD). */
  recordedMtdNano: number;
  /** The same requests, the same tokens, at the new prices (nano-USD). */
  mtdAtNewPricesNano: number;
  /** Month-end projection (the analytics' method: spent + remaining days at the last 7 days' mean) at the prices in use. */
  projectedUsd: number;
  /** The same projection with every day of the window re-priced at the new prices. */
  projectedAtNewPricesUsd: number;
  deltaUsd: number;
  /** null when nothing is projected at the prices in use. */
  deltaPct: number | null;
}

export interface Reprojection {
  monthStart: string;
  /** First day of the next month. */
  monthEnd: string;
  apps: AppReprojection[];
  total: AppReprojection;
}

export interface ReprojectInput {
  /** The ledger (SQLite or PostgreSQL): usage by kind is read from its rows. */
  sql: SqlClient;
  /** Its daily rollups: what was recorded, and the projection's input. */
  queries: Pick<LedgerQueries, 'daily'>;
  /** The catalog in use, and the one that would replace it (both with the user's overrides). */
  current: Catalog;
  next: Catalog;
  now: number;
}

const NOT_CACHE_HIT = `(cache IS NULL OR cache <> 'hit')`;
/** Rows that carry priced usage: no response-cache hits (free at any price), no token counting calls. */
const PRICED_ROWS = `${NOT_CACHE_HIT} AND endpoint <> 'anthropic-count-tokens'`;

function usageKind(engine: SqlClient['engine'], kind: string): string {
  return engine === 'postgres' ? `(usage->>'${kind}')::numeric` : `json_extract(usage, '$.${kind}')`;
}

/** The catalog entry a ledger row's model is priced with (its provider's, when the catalog has that provider). */
function entryFor(catalog: Catalog, provider: string, model: string): ModelEntry | undefined {
  const known = catalog.providerIds().includes(provider) ? provider : undefined;
  return (catalog.tryResolve(model, known) ?? catalog.tryResolve(model))?.entry;
}

/** Usage in a band of requests priced on `entry` at `at`: every request of a band selects the same tier. */
function bandCost(catalog: Catalog, entry: ModelEntry | undefined, usage: Usage, maxTokensIn: number, at: Date): number {
  if (!entry) return 0;
  return priceUsage({ rates: ratesForSize(catalog.versionAt(entry, at), maxTokensIn), tiers: [] }, usage).costNano;
}

/**
 * What the new prices change, per app and day: for the same token usage, the new catalog's cost minus the
 * current catalog's. Everything else the ledger recorded (cache hits, estimates, models neither catalog
 * prices) stays as recorded. Usage is summed in bands cut at every tier boundary, so summed usage prices
 * exactly as its requests did.
 */
async function deltasByAppDay(input: ReprojectInput, from: number, to: number): Promise<Map<string, Map<string, number>>> {
  const { sql, current, next } = input;
  const at = new Date(input.now);
  const models = await sql.all<{ provider: string; model: string }>(
    `SELECT DISTINCT provider, model FROM ledger WHERE ts >= ? AND ts < ? AND ${PRICED_ROWS}`,
    [from, to],
  );
  const entries = new Map<string, [ModelEntry | undefined, ModelEntry | undefined]>();
  const thresholds = new Set<number>();
  for (const { provider, model } of models) {
    const pair: [ModelEntry | undefined, ModelEntry | undefined] = [entryFor(current, provider, model), entryFor(next, provider, model)];
    entries.set(`${provider}\u0000${model}`, pair);
    if (pair[0]) for (const t of current.versionAt(pair[0], at).tiers) thresholds.add(t.aboveInputTokens);
    if (pair[1]) for (const t of next.versionAt(pair[1], at).tiers) thresholds.add(t.aboveInputTokens);
  }
  const sorted = [...thresholds].sort((a, b) => a - b);
  const band = sorted.length ? sorted.map(() => 'CASE WHEN tokens_in > ? THEN 1 ELSE 0 END').join(' + ') : '0';
  const sums = USAGE_KINDS.map((k) => `SUM(COALESCE(${usageKind(sql.engine, k)}, 0)) AS "u_${k}"`).join(', ');
  const rows = await sql.all<Record<string, unknown>>(
    `SELECT app, provider, model, ts / ${DAY_MS} AS day_index, ${band} AS band, MAX(tokens_in) AS "maxTokensIn", ${sums}
     FROM ledger WHERE ts >= ? AND ts < ? AND ${PRICED_ROWS}
     GROUP BY app, provider, model, day_index, band`,
    [...sorted, from, to],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const [was, willBe] = entries.get(`${String(r.provider)}\u0000${String(r.model)}`) ?? [undefined, undefined];
    if (!was && !willBe) continue;
    const usage: Usage = {};
    for (const k of USAGE_KINDS) {
      const v = Number(r[`u_${k}`] ?? 0);
      if (v) usage[k] = v;
    }
    const maxTokensIn = Number(r.maxTokensIn);
    const delta = bandCost(next, willBe, usage, maxTokensIn, at) - bandCost(current, was, usage, maxTokensIn, at);
    if (delta === 0) continue;
    const day = dayOf(Number(r.day_index) * DAY_MS);
    const app = String(r.app);
    const days = out.get(app) ?? new Map<string, number>();
    days.set(day, (days.get(day) ?? 0) + delta);
    out.set(app, days);
  }
  return out;
}

/** The daily rollups with each day's cost moved by `deltas`: the ledger as the new prices would have written it. */
function repriced(queries: Pick<LedgerQueries, 'daily'>, deltas: Map<string, number>): Pick<LedgerQueries, 'daily'> {
  return {
    async daily(fromDay, toDay, by, filters) {
      const points = await queries.daily(fromDay, toDay, by, filters);
      const out: SeriesPoint[] = points.map((p) => ({ ...p, costNano: p.costNano + (deltas.get(p.bucket) ?? 0) }));
      // A day can only have a delta if it has rows, but keep the sum whole even if a rollup lags.
      for (const [day, delta] of deltas) {
        if (day >= fromDay && day < toDay && !points.some((p) => p.bucket === day)) {
          out.push({ bucket: day, key: 'total', requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costNano: delta, savedNano: 0 });
        }
      }
      return out.sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
    },
  };
}

/**
 * The month re-projected at new prices, per app and in total. Nothing is written: recorded rows keep
 * the cost and catalog version they were priced with.
 */
export async function reprojectMonth(input: ReprojectInput): Promise<Reprojection> {
  const { queries, now } = input;
  const today = dayOf(now);
  const monthStart = `${today.slice(0, 8)}01`;
  const tomorrow = addDays(today, 1);
  // The projection reads the month so far and the last 14 full days.
  const windowStart = [monthStart, addDays(today, -14)].sort()[0]!;
  const deltas = await deltasByAppDay(input, Date.parse(`${windowStart}T00:00:00Z`), Date.parse(`${tomorrow}T00:00:00Z`));
  const apps = [...new Set((await queries.daily(windowStart, tomorrow, 'app', {})).map((p) => p.key))].sort();

  const one = async (app: string | undefined, appDeltas: Map<string, number>): Promise<AppReprojection> => {
    const filters = app === undefined ? {} : { app };
    const recordedMtdNano = (await queries.daily(monthStart, tomorrow, null, filters)).reduce((s, p) => s + p.costNano, 0);
    let mtdDelta = 0;
    for (const [day, d] of appDeltas) if (day >= monthStart && day < tomorrow) mtdDelta += d;
    const before = await projectMonth(queries, now, filters);
    const after = await projectMonth(repriced(queries, appDeltas), now, filters);
    const deltaUsd = after.expectedUsd - before.expectedUsd;
    return {
      app: app ?? '(all)',
      recordedMtdNano,
      mtdAtNewPricesNano: recordedMtdNano + mtdDelta,
      projectedUsd: before.expectedUsd,
      projectedAtNewPricesUsd: after.expectedUsd,
      deltaUsd,
      deltaPct: before.expectedUsd > 0 ? Math.round((deltaUsd / before.expectedUsd) * 1000) / 10 : null,
    };
  };

  const perApp: AppReprojection[] = [];
  for (const app of apps) perApp.push(await one(app, deltas.get(app) ?? new Map()));
  const all = new Map<string, number>();
  for (const days of deltas.values()) for (const [day, d] of days) all.set(day, (all.get(day) ?? 0) + d);
  const total = await one(undefined, all);
  const d = new Date(now);
  return { monthStart, monthEnd: dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)), apps: perApp, total };
}
