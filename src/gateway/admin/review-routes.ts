import { z } from 'zod';
import {
  attentionStatus, FeedbackSchema, periodOf, PeriodError, recordFeedback, reviewModels, ReviewRepository, UnknownRequestError,
  type Period,
} from '../../review/index.js';
import { gatewayDigest } from '../digest-schedule.js';
import { GatewayError } from '../errors.js';
import { sendJson } from '../http.js';
import { jsonBody, validate, type AdminDeps, type AdminRoute } from './context.js';

/** The review over the gateway's own database, SQLite or PostgreSQL. */
async function reviewRepo(deps: AdminDeps): Promise<ReviewRepository> {
  // Rows still queued in memory are written first, so the review sees every recorded request.
  await deps.ledger.flush();
  return new ReviewRepository(deps.sql);
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
      const limitParam = url.searchParams.get('limit');
      const limit = limitParam === null ? 10 : Number(limitParam);
      if (!Number.isInteger(limit) || limit < 0 || limit > 1000) throw new GatewayError(400, 'invalid_request', `"limit" must be a whole number from 0 to 1000, got ${limitParam}`);
      const review = await reviewModels(await reviewRepo(deps), deps.catalog, { period: p, app, batch: flag(url, 'batch'), limit });
      sendJson(res, 200, review);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/review\/mark$/,
    async handle({ req, res, deps }) {
      const input = validate(MarkSchema, await jsonBody(req));
      const now = Date.now();
      await (await reviewRepo(deps)).markReviewed(input.app, input.reviewer ?? null, input.note ?? null, now);
      sendJson(res, 201, { app: input.app, reviewedAt: new Date(now).toISOString() });
    },
  },
  {
    method: 'POST',
    path: /^\/api\/feedback$/,
    async handle({ req, res, deps }) {
      const input = validate(FeedbackSchema, await jsonBody(req));
      const stored = await recordFeedback(await reviewRepo(deps), input, (app) => deps.config.apps[app]?.storeContent === true).catch((err: unknown) => {
        if (err instanceof UnknownRequestError) throw new GatewayError(404, 'not_found', err.message);
        throw err;
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
      const groups = await (await reviewRepo(deps)).feedbackSummary(p, app);
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
      const status = await attentionStatus({ repo: await reviewRepo(deps), config: deps.config, catalog: deps.catalog, budgets, period: p, now, all: flag(url, 'all') });
      sendJson(res, 200, status);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/attention\/ack$/,
    async handle({ req, res, deps }) {
      const input = validate(AckSchema, await jsonBody(req));
      await (await reviewRepo(deps)).acknowledge(input.key, input.by ?? null, input.note ?? null);
      sendJson(res, 200, { key: input.key, acknowledged: true });
    },
  },
  {
    method: 'DELETE',
    path: /^\/api\/attention\/ack$/,
    async handle({ res, url, deps }) {
      const key = url.searchParams.get('key');
      if (!key) throw new GatewayError(400, 'invalid_request', '"key" (query parameter) is required: the key of an acknowledged item');
      if (!(await (await reviewRepo(deps)).unacknowledge(key))) throw new GatewayError(404, 'not_found', `no acknowledged item ${key}`);
      sendJson(res, 200, { key, acknowledged: false });
    },
  },
  {
    method: 'GET',
    path: /^\/api\/digest$/,
    async handle({ res, deps }) {
      sendJson(res, 200, await gatewayDigest(deps, Date.now()));
    },
  },
];
