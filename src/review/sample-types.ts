/**
 * The sampled review queue's shapes, shared by the server and the dashboard (no imports: the web
 * build type-checks this file too).
 */

export const SAMPLE_VERDICTS = ['good', 'bad'] as const;
export type SampleVerdict = (typeof SAMPLE_VERDICTS)[number];

/** A sample as the list shows it: metadata and short previews, not the stored bodies. */
export interface ReviewSampleSummary {
  /** The ledger row's id (`x-burnrate-request-id`). */
  id: string;
  /** When the request was made (ms since the epoch). */
  ts: number;
  app: string;
  feature: string | null;
  model: string;
  /** The wire format: `openai-chat`, `openai-responses`, `anthropic-messages`. */
  endpoint: string;
  /** The prompt or completion was cut to the size cap. */
  truncated: boolean;
  /** The last user message, first 200 characters. */
  promptPreview: string;
  /** The completion, first 200 characters. */
  completionPreview: string;
  verdict: SampleVerdict | null;
  reviewer: string | null;
  note: string | null;
  reviewedAt: number | null;
}

/** One sample in full: the request body as sent upstream (JSON text) and the completion text. */
export interface ReviewSample extends ReviewSampleSummary {
  prompt: string;
  completion: string;
}

/** Per app: whether it opted in, its sample rate, and what its queue holds. */
export interface ReviewQueueApp {
  app: string;
  storeContent: boolean;
  sampleRate: number;
  pending: number;
  reviewed: number;
  bad: number;
}

/** `GET /api/review/samples`. */
export interface ReviewSampleList {
  samples: ReviewSampleSummary[];
  apps: ReviewQueueApp[];
}
