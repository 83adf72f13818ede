import { z } from 'zod';
import type { FeedbackRecord, ReviewRepository } from './repository.js';

export const FEEDBACK_SCALES = ['-1..1', '1..5'] as const;
export type FeedbackScale = (typeof FEEDBACK_SCALES)[number];

/**
 * `POST /api/feedback`. `score` is on the −1..1 scale (thumbs: −1, 0, 1) or the 1..5 scale (stars).
 * Without `scale`, a score in −1..1 is read on the −1..1 scale and one above 1 (up to 5) on the 1..5
 * scale: a 1..5 client should always send `scale: "1..5"`, or a one-star score reads as a thumbs-up.
 */
export const FeedbackSchema = z
  .object({
    requestId: z.string().min(1).max(200),
    score: z.number().finite(),
    scale: z.enum(FEEDBACK_SCALES).optional(),
    label: z.string().min(1).max(100).optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const scale = f.scale ?? inferScale(f.score);
    if (scale === undefined) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `score ${f.score} is on neither scale: use -1..1 (thumbs) or 1..5 (stars)` });
    } else if (scale === '-1..1' && (f.score < -1 || f.score > 1)) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `score ${f.score} is outside the -1..1 scale` });
    } else if (scale === '1..5' && (f.score < 1 || f.score > 5)) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: `score ${f.score} is outside the 1..5 scale` });
    }
  });
export type FeedbackInput = z.infer<typeof FeedbackSchema>;

function inferScale(score: number): FeedbackScale | undefined {
  if (score >= -1 && score <= 1) return '-1..1';
  if (score > 1 && score <= 5) return '1..5';
  return undefined;
}

/** −1..1 as it is; 1..5 mapped linearly (1 → −1, 3 → 0, 5 → 1). */
export function normaliseScore(score: number, scale: FeedbackScale): number {
  return scale === '1..5' ? (score - 3) / 2 : score;
}

export class UnknownRequestError extends Error {
  override name = 'UnknownRequestError';
}

export interface StoredFeedback {
  id: string;
  requestId: string;
  app: string;
  feature: string | null;
  model: string;
  score: number;
  rawScore: number;
  scale: FeedbackScale;
  /** False when the app does not opt in to storing content (`storeContent`): the comment was dropped. */
  commentStored: boolean;
}

/**
 * Records a validated score against its ledger row (app, feature and model are copied from it).
 * Throws UnknownRequestError when the ledger has no such request. Free-text comments are user content:
 * they are kept only for apps that opt in with `storeContent`.
 */
export async function recordFeedback(repo: ReviewRepository, input: FeedbackInput, storeContent: (app: string) => boolean, now = Date.now()): Promise<StoredFeedback> {
  const request = await repo.requestForFeedback(input.requestId);
  if (!request) throw new UnknownRequestError(`no request ${input.requestId} in the ledger`);
  const scale = input.scale ?? inferScale(input.score)!;
  const keepComment = input.comment !== undefined && storeContent(request.app);
  const record: FeedbackRecord = {
    requestId: input.requestId,
    requestTs: request.ts,
    app: request.app,
    feature: request.feature,
    model: request.model,
    score: normaliseScore(input.score, scale),
    rawScore: input.score,
    scale,
    label: input.label ?? null,
    comment: keepComment ? input.comment! : null,
  };
  const id = await repo.addFeedback(record, now);
  return {
    id, requestId: record.requestId, app: record.app, feature: record.feature || null, model: record.model,
    score: record.score, rawScore: record.rawScore, scale, commentStored: keepComment,
  };
}
