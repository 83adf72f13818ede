import { z } from 'zod';
import { parseOrThrow } from '../util/validate.js';
import { Range } from './range.js';
import { ranged } from './ranged.js';

/** Token counts: a request of more than ten million tokens is a typo, not a scenario. */
const tokens = () => ranged({ max: 10_000_000 });
const tokensOr = (fallback: number) => ranged({ max: 10_000_000 }, fallback);
const share = (fallback: number) => ranged({ min: 0, max: 1 }, fallback);
/** A cache share: the more is cached, the less it costs. */
const cacheShare = (fallback: number) => ranged({ min: 0, max: 1, costlier: 'low' }, fallback);

const TrafficSchema = z
  .strictObject({
    /** Give one of these two: conversations (each `turnsPerConversation` long) or single interactions. */
    conversationsPerDay: ranged().optional(),
    interactionsPerDay: ranged().optional(),
    turnsPerConversation: ranged({ min: 1, max: 100 }, 1),
    /** Days a month with traffic; 30 means every day (a month is 30 days). */
    workingDaysPerMonth: ranged({ min: 1, max: 31 }, 30),
    /** Traffic growth per month, compounded: 0.05 is +5 % a month. */
    monthlyGrowth: ranged({ min: -0.99, max: 10 }, 0),
  })
  .superRefine((t, ctx) => {
    if ((t.conversationsPerDay === undefined) === (t.interactionsPerDay === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of conversationsPerDay, interactionsPerDay' });
    }
  });

const PerTurnSchema = z.strictObject({
  systemPromptTokens: tokensOr(0),
  /** Retrieved (RAG) context sent with each turn; not kept in the history of later turns. */
  ragContextTokens: tokensOr(0),
  userMessageTokens: tokensOr(0),
  outputTokens: tokens(),
  /** Stateless chat APIs resend the whole conversation every turn; false for apps that don't. */
  resendHistory: z.boolean().default(true),
  /** Tool-call rounds per turn: each is one more model call that resends the prompt so far. */
  toolRounds: ranged({ min: 0, max: 20 }, 0),
  /** Output tokens the model writes to call a tool (then kept in the prompt). */
  toolCallTokens: tokensOr(0),
  /** Tokens a tool's result adds to the prompt. */
  toolResultTokens: tokensOr(0),
});

const CachingSchema = z.strictObject({
  /** Provider prompt caching: share of the input (after the system prompt, if cached) read from cache. */
  promptCacheShare: cacheShare(0),
  /** The system prompt is read from the provider's prompt cache on every call. */
  cacheSystemPrompt: z.boolean().default(false),
  /** Response caching: share of turns answered from our cache, at no API cost. */
  responseCacheShare: cacheShare(0),
});

const ModelShareSchema = z.strictObject({
  model: z.string().min(1),
  /** Share of calls; shares are weights, normalized to sum to 1. */
  share: ranged({ min: 0, positive: true }, 1),
  /** Priced with the provider's batch discount. */
  batch: z.boolean().default(false),
});

const KnowledgeBaseSchema = z.strictObject({
  documents: ranged({ max: 100_000_000 }),
  tokensPerDocument: tokens(),
  reindexesPerMonth: ranged({}, 1),
  embeddingModel: z.string().min(1).default('text-embedding-3-small'),
});

const MaintenanceSchema = z.strictObject({
  buildCostUsd: ranged(),
  /** Share of the build cost spent on maintenance each month: 10–20 % by default. */
  monthlyShare: ranged({ min: 0, max: 1 }, { low: 0.1, expected: 0.15, high: 0.2 }),
});

const OwnerSchema = z.strictObject({
  hoursPerWeek: ranged({ max: 168 }),
  hourlyRateUsd: ranged(),
});

const HumanReviewSchema = z.strictObject({
  minutesPerItem: ranged(),
  hourlyRateUsd: ranged(),
  /** Share of items a person reviews. */
  share: share(1),
});

/** A line-item name like `vectorDatabase` or `vector database` (never `__proto__`). */
const InfraName = z.string().regex(/^[A-Za-z][\w .-]{0,99}$/, 'a name of letters, digits, spaces, _ . -');

const ScenarioObject = z.strictObject({
  name: z.string().min(1).max(200).default('scenario'),
  description: z.string().max(2000).optional(),
  traffic: TrafficSchema,
  perTurn: PerTurnSchema,
  caching: CachingSchema.prefault({}),
  /** One model for every call, or `models` for a mix. */
  model: z.string().min(1).optional(),
  models: z.array(ModelShareSchema).min(1).max(10).optional(),
  knowledgeBase: KnowledgeBaseSchema.optional(),
  /** Monthly line items in US dollars, e.g. vectorDatabase: 70. */
  infrastructure: z.record(InfraName, ranged()).default({}),
  maintenance: MaintenanceSchema.optional(),
  owner: OwnerSchema.optional(),
  humanReview: HumanReviewSchema.optional(),
  /** A policy, not an estimate: the recommended budget multiplies the high case by it. */
  safetyFactor: z.number().min(1).max(100).default(2),
});

/** A forecast scenario, from YAML or JSON (e.g. the body of `POST /api/forecast`). */
export const ScenarioSchema = ScenarioObject.superRefine((s, ctx) => {
  if ((s.model === undefined) === (s.models === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of model, models', path: ['models'] });
  }
}).transform(({ model, models, ...rest }) => ({
  ...rest,
  // One shape for the engine: a single model is a mix of one.
  models: models ?? [{ model: model!, share: new Range(1, 1, 1, { min: 0, max: Infinity }), batch: false }],
}));

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;

/** Validates scenario data; a ValidationError names the bad field's path. */
export function parseScenario(data: unknown, label = 'invalid scenario'): Scenario {
  return parseOrThrow(ScenarioSchema, data, label);
}
