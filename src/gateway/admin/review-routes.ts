import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { SQLITE_MIGRATIONS } from '../../db/migrations.js';
import { openSqlite, type SqliteDb } from '../../db/sqlite.js';
import { SqliteLedger } from '../../ledger/sqlite/sqlite-ledger.js';
import {
  attentionStatus, buildDigest, FeedbackSchema, periodOf, PeriodError, recordFeedback, reviewModels, ReviewRepository, UnknownRequestError,
  type Period,
} from '../../review/index.js';
import { GatewayError } from '../errors.js';
import { sendJson } from '../http.js';
import { jsonBody, validate, type AdminDeps, type AdminRoute } from './context.js';

/**
 * What the review routes need beyond AdminDeps. `reviewDb` is the gateway's SQLite database; without it
 * the routes open the same file under `config.dataDir` (the gateway's deps carry its config) for the
 * request. With a PostgreSQL ledger (DATABASE_URL) the routes answer 501: not supported yet.
 */
export type ReviewAdminDeps = AdminDeps & { reviewDb?: SqliteDb; config?: Config };

async function withRepo<T>(deps: AdminDeps, fn: (repo: ReviewRepository, config: Pick<Config, 'apps'>) => Promise<T> | T): Promise<T> {
  const d = deps as ReviewAdminDeps;
  const config = d.config ?? { apps: {} };
  if (!d.reviewDb && !(deps.ledger instanceof SqliteLedger)) {
    throw new GatewayError(501, 'invalid_request', 'the model review, feedback and status read the embedded SQLite ledger; they are not available with DATABASE_URL (PostgreSQL) yet');
  }
  // Rows still queued in memory are written first, so the review sees every recorded request.
  await deps.ledger.flush();
  if (d.reviewDb) return fn(new ReviewRepository(d.reviewDb), config);
  if (!d.config) throw new GatewayError(500, 'internal_error', 'the review needs the gateway\'s SQLite database, which is not configured');
  const db = openSqlite(join(d.config.dataDir, 'burnrate.db'), SQLITE_MIGRATIONS);
  try {
    return await fn(new ReviewRepository(db), config);
  } finally {
    db.close();
  }
}

function period(url: URL): Period {
  try {
    return periodOf(url.searchParams.get('from'), url.searchParams.get('to'));
  } catch (err) {
    if (err instanceof PeriodError) throw new GatewayError(400, 'invalid_request', err.message);
    throw err;
  }
}

const flag = (url: URL, name: string) => ['1', 'true', 'yes'].includes(url.searchParams.get(name) ?? '');
const MarkSchema = z.object({ app: z.string().min(1).max(200), reviewer: z.string().max(200).optional(), note: z.string().max(2000).optional() }).strict();
const AckSchema = z.object({ key: z.string().min(1).max(500), by: z.string().max(200).optional(), note: z.string().max(2000).optional() }).strict();

/** Model review, feedback, ownership status, attention acknowledgements and the digest. */
export const REVIEW_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/review$/,
    async handle({ res, url, deps }) {
      const p = period(url);
      const app = url.searchParams.get('app') ?? undefined;
      const review = await withRepo(deps, (repo) => reviewModels(repo, deps.catalog, { period: p, app, batch: flag(url, 'batch') }));
      sendJson(res, 200, review);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/review\/mark$/,
    async handle({ req, res, deps }) {
      const input = validate(MarkSchema, await jsonBody(req));
      const now = Date.now();
      await withRepo(deps, (repo) => repo.markReviewed(input.app, input.reviewer ?? null, input.note ?? null, now));
      sendJson(res, 201, { app: input.app, reviewedAt: new Date(now).toISOString() });
    },
  },
  {
    method: 'POST',
    path: /^\/api\/feedback$/,
    async handle({ req, res, deps }) {
      const input = validate(FeedbackSchema, await jsonBody(req));
      const stored = await withRepo(deps, (repo, config) => {
        try {
          return recordFeedback(repo, input, (app) => config.apps[app]?.storeContent === true);
        } catch (err) {
          if (err instanceof UnknownRequestError) throw new GatewayError(404, 'not_found', err.message);
          throw err;
        }
      });
      sendJson(res, 201, stored);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/feedback\/summary$/,
    async handle({ res, url, deps }) {
      const p = period(url);
      const app = url.searchParams.get('app') ?? undefined;
      const groups = await withRepo(deps, (repo) => repo.feedbackSummary(p, app));
      sendJson(res, 200, { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), groups: groups.map((g) => ({ ...g, feature: g.feature || null })) });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/status$/,
    async handle({ res, url, deps }) {
      const p = period(url);
      const now = Date.now();
      const budgets = await deps.budgets.status(now);
      const status = await withRepo(deps, (repo, config) => attentionStatus({ repo, config, catalog: deps.catalog, budgets, period: p, now, all: flag(url, 'all') }));
      sendJson(res, 200, status);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/attention\/ack$/,
    async handle({ req, res, deps }) {
      const input = validate(AckSchema, await jsonBody(req));
      await withRepo(deps, (repo) => repo.acknowledge(input.key, input.by ?? null, input.note ?? null));
      sendJson(res, 200, { key: input.key, acknowledged: true });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/digest$/,
    async handle({ res, deps }) {
      const now = Date.now();
      const budgets = await deps.budgets.status(now);
      const p = periodOf(undefined, undefined, now, 7);
      const digest = await withRepo(deps, (repo, config) => {
        const status = attentionStatus({ repo, config, catalog: deps.catalog, budgets, period: p, now });
        const review = reviewModels(repo, deps.catalog, { period: periodOf(undefined, undefined, now), now });
        return buildDigest({ queries: deps.queries, config, budgets, status, review, now });
      });
      sendJson(res, 200, digest);
    },
  },
];
