import { z } from 'zod';
import { reviewSampleRateOf } from '../../config/schema.js';
import { recordFeedback, ReviewRepository } from '../../review/index.js';
import { SAMPLE_VERDICTS, type ReviewQueueApp, type ReviewSampleList, type SampleVerdict } from '../../review/samples.js';
import { GatewayError } from '../errors.js';
import { sendJson } from '../http.js';
import type { ReviewSampler } from '../review-sampler.js';
import { jsonBody, validate, type AdminDeps, type AdminRoute } from './context.js';
import { parseQuery } from './query.js';

const ListQuerySchema = z.object({
  app: z.string().min(1).max(200).optional(),
  status: z.enum(['pending', 'reviewed', 'all']).default('pending'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const VerdictSchema = z
  .object({
    verdict: z.enum(SAMPLE_VERDICTS),
    reviewer: z.string().min(1).max(200).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

/** The gateway's admin deps carry the sampler (GatewayDeps.reviewSamples). */
function samplerOf(deps: AdminDeps): ReviewSampler {
  const sampler = (deps as AdminDeps & { reviewSamples?: ReviewSampler }).reviewSamples;
  if (!sampler) throw new GatewayError(501, 'invalid_request', 'the review queue is not available on this server');
  return sampler;
}

/** Apps that opted in, and any app with samples, with what their queue holds. */
async function queueApps(deps: AdminDeps, sampler: ReviewSampler): Promise<ReviewQueueApp[]> {
  const counts = new Map((await sampler.store.counts()).map((c) => [c.app, c]));
  const names = new Set([...Object.entries(deps.config.apps).filter(([, s]) => s.storeContent).map(([name]) => name), ...counts.keys()]);
  return [...names].sort().map((app) => {
    const settings = deps.config.apps[app];
    const c = counts.get(app);
    return {
      app,
      storeContent: settings?.storeContent === true,
      sampleRate: settings ? reviewSampleRateOf(settings) : 0,
      pending: c?.pending ?? 0,
      reviewed: c?.reviewed ?? 0,
      bad: c?.bad ?? 0,
    };
  });
}

/**
 * A first verdict is also a feedback score on the request (bad −1, good +1, label `review:<verdict>`),
 * so the model review's quality evidence counts it. A changed verdict adds no second score.
 */
async function verdictAsFeedback(deps: AdminDeps, id: string, verdict: SampleVerdict, note: string | undefined): Promise<{ recorded: boolean; id?: string; reason?: string }> {
  try {
    await deps.ledger.flush();
    const stored = await recordFeedback(
      new ReviewRepository(deps.sql),
      { requestId: id, score: verdict === 'bad' ? -1 : 1, scale: '-1..1', label: `review:${verdict}`, ...(note ? { comment: note } : {}) },
      (app) => deps.config.apps[app]?.storeContent === true,
    );
    return { recorded: true, id: stored.id };
  } catch (err) {
    return { recorded: false, reason: (err as Error).message };
  }
}

/** The sampled review queue: stored prompts and completions of opted-in apps, graded good or bad. */
export const SAMPLE_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/review\/samples$/,
    async handle({ res, url, deps }) {
      const q = parseQuery(ListQuerySchema, url.searchParams);
      const sampler = samplerOf(deps);
      // Samples still waiting in memory are written first, so the queue shows every sampled request.
      await sampler.flush();
      const body: ReviewSampleList = {
        samples: await sampler.store.list({ app: q.app, status: q.status, limit: q.limit }),
        apps: await queueApps(deps, sampler),
      };
      sendJson(res, 200, body);
    },
  },
  {
    method: 'GET',
    path: /^\/api\/review\/samples\/([\w.-]+)$/,
    async handle({ res, params, deps }) {
      const sampler = samplerOf(deps);
      await sampler.flush();
      const sample = await sampler.store.get(params[0]!);
      if (!sample) throw new GatewayError(404, 'not_found', `no review sample ${params[0]}`);
      sendJson(res, 200, sample);
    },
  },
  {
    method: 'POST',
    path: /^\/api\/review\/samples\/([\w.-]+)$/,
    async handle({ req, res, params, deps }) {
      const input = validate(VerdictSchema, await jsonBody(req));
      const sampler = samplerOf(deps);
      await sampler.flush();
      const id = params[0]!;
      const before = await sampler.store.get(id);
      if (!before) throw new GatewayError(404, 'not_found', `no review sample ${id}`);
      const sample = await sampler.store.setVerdict(id, input.verdict, input.reviewer ?? null, input.note ?? null);
      if (!sample) throw new GatewayError(404, 'not_found', `no review sample ${id}`);
      const feedback = before.verdict === null ? await verdictAsFeedback(deps, id, input.verdict, input.note) : { recorded: false, reason: 'the sample already had a verdict' };
      sendJson(res, 200, { sample, feedback });
    },
  },
];
