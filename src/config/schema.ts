import { z } from 'zod';
import { BudgetSchema, TimeZoneSchema } from '../controls/budget-schema.js';
import { LoopBreakerSchema, RateLimitSchema } from '../controls/limits-schema.js';
import { CachePolicySchema } from '../cache/schema.js';
import { RoutingSchema } from '../routing/schema.js';

const UpstreamSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
    kind: z.enum(['openai', 'anthropic', 'azure', 'simulated']).default('openai'),
    baseUrl: z.url(),
    /** Name of the environment variable that holds the key: secrets stay out of config files. */
    apiKeyEnv: z.string().optional(),
    apiVersion: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Catalog provider whose prices apply (defaults to the upstream's name). */
    pricingProvider: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

const AppSchema = z
  .object({
    /** `reject` (default): an unknown model is refused before it reaches a provider; `allow`: priced at $0, flagged. */
    unknownModel: z.enum(['reject', 'allow']).default('reject'),
    /**
     * The app opts in to Burnrate keeping user content: prompts and completions of sampled requests
     * (the review queue) and feedback comments. Off by default: nothing the users wrote is stored.
     */
    storeContent: z.boolean().default(false),
    /**
     * Share of the app's requests (0..1) whose prompt and completion go to the review queue; needs
     * `storeContent`. Default with `storeContent`: 0.02. 0 turns the queue off.
     */
    reviewSampleRate: z.number().min(0).max(1).optional(),
    /** Thresholds of the runaway-loop breaker for this app (defaults otherwise). */
    loopBreaker: LoopBreakerSchema.optional(),
    /** Response and embeddings caching for this app (opt-in). */
    cache: CachePolicySchema.optional(),
    /** Who answers for this app's models and spend; the digest goes to their webhook (Slack-compatible). */
    owner: z
      .object({ name: z.string().min(1), email: z.email().optional(), webhook: z.url().optional() })
      .strict()
      .optional(),
    /** The forecast this app was built on: a scenario file or an archetype id, compared with the ledger. */
    forecast: z.string().min(1).optional(),
    /** How often the app's model choice is reviewed (`burnrate review --mark-reviewed`); overdue apps need attention. */
    reviewEveryDays: z.number().int().positive().default(90),
  })
  .strict()
  .refine((app) => !app.reviewSampleRate || app.storeContent, {
    path: ['reviewSampleRate'],
    message: 'needs storeContent: true (prompts and completions are kept only for apps that opt in)',
  });

export const ConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(4000),
    host: z.string().default('127.0.0.1'),
    dataDir: z.string().default('.burnrate'),
    /** Override file for model prices (see README, "Prices"). */
    prices: z.string().optional(),
    maxBodyBytes: z.number().int().positive().default(10 * 1024 * 1024),
    upstreamTimeoutMs: z.number().int().positive().default(120_000),
    upstreams: z.array(UpstreamSchema).default([]),
    simulated: z
      .object({
        latencyMs: z.number().min(0).default(0),
        tokensPerSecond: z.number().min(0).default(0),
        cacheReadRatio: z.number().min(0).max(1).default(0),
      })
      .strict()
      .default({ latencyMs: 0, tokensPerSecond: 0, cacheReadRatio: 0 }),
    apps: z.record(z.string(), AppSchema).default({}),
    budgets: z.array(BudgetSchema).default([]),
    /** A budget reservation whose gateway died is released after this long. */
    reservationLeaseSeconds: z.number().int().positive().default(600),
    routing: RoutingSchema.default(RoutingSchema.parse({})),
    /** Size of the in-memory response and embeddings cache. */
    cacheMaxMegabytes: z.number().positive().default(256),
    rateLimits: z.array(RateLimitSchema).default([]),
    loopBreaker: LoopBreakerSchema.default(LoopBreakerSchema.parse({})),
    /** The weekly digest, posted to each app owner's webhook (weekday 0 = Monday). */
    digest: z
      .object({
        enabled: z.boolean().default(true),
        weekday: z.number().int().min(0).max(6).default(0),
        hour: z.number().int().min(0).max(23).default(9),
        timeZone: TimeZoneSchema.default('UTC'),
      })
      .strict()
      .default({ enabled: true, weekday: 0, hour: 9, timeZone: 'UTC' }),
    /** Webhooks that receive alerts (JSON with a Slack-compatible `text` field). */
    alerts: z
      .object({ webhooks: z.array(z.url()).default([]) })
      .strict()
      .default({ webhooks: [] }),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type AppSettings = z.infer<typeof AppSchema>;
export type UpstreamEntry = z.infer<typeof UpstreamSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = { unknownModel: 'reject', storeContent: false, reviewEveryDays: 90 };

/** Share of an opted-in app's requests sampled for review when `reviewSampleRate` is not set. */
export const DEFAULT_REVIEW_SAMPLE_RATE = 0.02;

/** The app's review sample rate: 0 unless it stores content. */
export function reviewSampleRateOf(app: AppSettings): number {
  return app.storeContent ? (app.reviewSampleRate ?? DEFAULT_REVIEW_SAMPLE_RATE) : 0;
}
