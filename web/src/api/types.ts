/** Response shapes of the admin API (docs/api-dashboard.md). Money: `...Usd` floats, `...Nano` integers. */

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

export interface RequestRow {
  id: string;
  ts: number;
  app: string;
  keyId: string | null;
  feature: string | null;
  customer: string | null;
  conversation: string | null;
  user: string | null;
  endpoint: string;
  provider: string;
  model: string;
  requestedModel: string;
  returnedModel: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  usage: Record<string, number | undefined>;
  tokensIn: number;
  tokensOut: number;
  costNano: number;
  costUsd: number;
  savedNano?: number;
  savedUsd?: number;
  cache: 'hit' | 'miss' | null;
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  catalogVersion?: string;
  route: string | null;
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

export interface UsdRange {
  low: number;
  expected: number;
  high: number;
}

export interface Forecast {
  scenario: { name: string; description?: string };
  catalogVersion: string;
  pricedAt: string;
  perInteractionUsd: number;
  perConversationUsd: number;
  monthlyApiUsd: number;
  monthlyEmbeddingsUsd: number;
  monthlyInfraUsd: number;
  monthlyRunningUsd: number;
  monthlyTotalUsd: number;
  recommendedBudgetUsd: number;
  budgetBasis: string;
  safetyFactor: number;
  traffic: { conversationsPerMonth: number; interactionsPerMonth: number; callsPerMonth: number; turnsPerConversation: number };
  ranges: {
    perInteractionUsd: UsdRange;
    perConversationUsd: UsdRange;
    monthlyApiUsd: UsdRange;
    monthlyRunningUsd: UsdRange;
    monthlyTotalUsd: UsdRange & { p50: number; p90: number };
  };
  lineItems: { id: string; label: string; category: string; configured: boolean; usd: UsdRange }[];
  projection: {
    months: { month: number; interactions: number; apiUsd: number; totalUsd: number; totalLowUsd: number; totalHighUsd: number; budgetUsd: number }[];
    apiUsd: number;
    totalUsd: number;
  };
  comparison: {
    model: string;
    provider: string;
    id: string;
    baseline: boolean;
    perInteractionUsd: number;
    perConversationUsd: number;
    monthlyApiUsd: number;
    monthlyTotalUsd: number;
    deltaMonthlyTotalUsd: number;
  }[];
}
