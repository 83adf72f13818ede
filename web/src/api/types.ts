/** Response shapes of the admin API (docs/api-dashboard.md). Money: `...Usd` floats, `...Nano` integers. */
import type { LedgerRow } from '../../../src/ledger/types.js';

export type Dimension = 'model' | 'app' | 'feature' | 'customer' | 'provider';
export type BreakdownDimension = Dimension | 'conversation';

export interface BudgetStatus {
  id: string;
  scope: string;
  value: string;
  mode: 'hard' | 'soft';
  period: 'day' | 'week' | 'month' | 'rolling';
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  periodStart: string;
  resetsAt: string;
  projectedUsd: number;
  usedShare: number;
  exhaustsAt?: string | null;
}

export interface Alert {
  id: string;
  ts: number;
  kind: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface Overview {
  empty: boolean;
  todayUsd: number;
  todayRequests: number;
  monthUsd: number;
  monthRequests: number;
  projection: { lowUsd: number; expectedUsd: number; highUsd: number; monthEnd: string };
  savings: { responseCacheUsd: number; embeddingsCacheUsd: number; routingUsd: number; promptCacheUsd: number; totalUsd: number };
  budgets: BudgetStatus[];
  alerts: Alert[];
  costPerInteractionUsd: number;
}

export interface DailyPoint {
  day: string;
  totalUsd: number;
  requests: number;
  tokensIn: number;
  tokensOut: number;
  byKey: Record<string, number>;
}

export interface Daily {
  keys: string[];
  days: DailyPoint[];
}

export interface BreakdownRow {
  key: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  savedUsd: number;
  costNano: number;
}

export interface Interactions {
  trend: { day: string; requests: number; costUsd: number; costPerRequestUsd: number }[];
  conversations: { count: number; medianUsd: number; p90Usd: number; maxUsd: number };
  top: { conversation: string; app: string; requests: number; costUsd: number }[];
}

/** A ledger row as `GET /api/requests` answers it: the server's row plus dollars. */
export interface RequestRow extends LedgerRow {
  costUsd: number;
  savedUsd: number;
}

export interface RequestPage {
  total: number;
  rows: RequestRow[];
}

export interface BurndownPoint {
  day: string;
  spentUsd: number;
  remainingUsd: number;
}

/** A scenario input: a number or a {low, expected, high} range. */
export type RangeInput = number | { low: number; expected: number; high: number };

/** The editable parts of a forecast scenario (docs/forecast.md); other fields pass through untouched. */
export interface ScenarioInput {
  name?: string;
  description?: string;
  traffic: {
    conversationsPerDay?: RangeInput;
    interactionsPerDay?: RangeInput;
    turnsPerConversation?: RangeInput;
    workingDaysPerMonth?: RangeInput;
    monthlyGrowth?: RangeInput;
  };
  perTurn: {
    systemPromptTokens?: RangeInput;
    ragContextTokens?: RangeInput;
    userMessageTokens?: RangeInput;
    outputTokens: RangeInput;
    [field: string]: unknown;
  };
  caching?: { promptCacheShare?: RangeInput; cacheSystemPrompt?: boolean; responseCacheShare?: RangeInput };
  model?: string;
  models?: { model: string; share?: RangeInput; batch?: boolean }[];
  infrastructure?: Record<string, RangeInput>;
  [field: string]: unknown;
}

export interface Archetype {
  id: string;
  /** Per the contract; the server may leave it out (then the scenario's name is shown). */
  name?: string;
  description: string;
  scenario: ScenarioInput;
  /** The article's monthly running-cost range this archetype lands in. */
  articleRangeUsd?: [number, number];
}

/** The forecaster's answer (`POST /api/forecast`), the server's own type. */
export type { Forecast } from '../../../src/forecast/result.js';

/** The sampled review queue (`/api/review/samples`), the server's own types. */
export type { ReviewQueueApp, ReviewSample, ReviewSampleList, ReviewSampleSummary, SampleVerdict } from '../../../src/review/sample-types.js';

/** The model review (`GET /api/review`) and what needs attention (`GET /api/status`), the server's own types. */
export type { Alternative, Evidence, GroupReview, ModelReview, Recommendation } from '../../../src/review/model-review.js';
export type { LifecycleFlag } from '../../../src/review/lifecycle.js';
export type { AppOwnership, AttentionItem, AttentionKind, StatusReport } from '../../../src/review/attention.js';

/** `POST /api/review/mark` → 201. */
export interface ReviewMark {
  app: string;
  reviewedAt: string;
}

/** `POST /api/attention/ack` → 200. */
export interface AttentionAck {
  key: string;
  acknowledged: boolean;
}
