import { NANO_PER_USD } from '../money/index.js';
import type { Scenario } from './schema.js';

/** All money in a Forecast is US dollars (floats, rounded to the nano-dollar). */
export const usd = (nano: number) => Math.round(nano) / NANO_PER_USD;

export interface UsdRange {
  low: number;
  expected: number;
  high: number;
}

/** A range plus Monte-Carlo percentiles. */
export interface UsdSpread extends UsdRange {
  p50: number;
  p90: number;
}

export type LineItemCategory = 'api' | 'embeddings' | 'infrastructure' | 'maintenance' | 'people';

export interface LineItem {
  /** `api`, `embeddings`, `infrastructure.<name>`, `maintenance`, `owner`, `review`. */
  id: string;
  label: string;
  category: LineItemCategory;
  /** False when the scenario leaves the section out (the line is then $0, and shown as not set). */
  configured: boolean;
  usd: UsdRange;
}

export interface ModelShare {
  /** As written in the scenario, and as resolved in the catalog. */
  model: string;
  provider: string;
  id: string;
  share: number;
  batch: boolean;
  perInteractionUsd: number;
  monthlyApiUsd: number;
}

export interface ComparisonRow {
  model: string;
  provider: string;
  id: string;
  /** The scenario's own model mix, the row the others are compared with. */
  baseline: boolean;
  perInteractionUsd: number;
  perConversationUsd: number;
  monthlyApiUsd: number;
  monthlyTotalUsd: number;
  deltaMonthlyTotalUsd: number;
}

export interface ProjectionMonth {
  month: number;
  interactions: number;
  apiUsd: number;
  totalUsd: number;
  totalLowUsd: number;
  totalHighUsd: number;
  budgetUsd: number;
}

export interface SensitivityEntry {
  input: string;
  expected: number;
  lowUsd: number;
  highUsd: number;
  swingUsd: number;
}

export interface Forecast {
  scenario: { name: string; description?: string };
  catalogVersion: string;
  /** The date whose prices were used (YYYY-MM-DD). */
  pricedAt: string;
  perInteractionUsd: number;
  perConversationUsd: number;
  monthlyApiUsd: number;
  monthlyEmbeddingsUsd: number;
  monthlyInfraUsd: number;
  /** API + embeddings + infrastructure: what keeps the lights on, without build, maintenance or people. */
  monthlyRunningUsd: number;
  /** Every line item: the total cost of ownership for a month. */
  monthlyTotalUsd: number;
  /** Spend cap for the first month: (API + embeddings) in the high case × the safety factor. */
  recommendedBudgetUsd: number;
  budgetBasis: string;
  safetyFactor: number;
  traffic: {
    conversationsPerMonth: number;
    interactionsPerMonth: number;
    callsPerMonth: number;
    turnsPerConversation: number;
  };
  ranges: {
    perInteractionUsd: UsdRange;
    perConversationUsd: UsdRange;
    monthlyApiUsd: UsdSpread;
    monthlyRunningUsd: UsdSpread;
    monthlyTotalUsd: UsdSpread;
  };
  lineItems: LineItem[];
  models: ModelShare[];
  projection: {
    /** Traffic growth a month in each case (0.05 = +5 %), not dollars. */
    monthlyGrowth: { low: number; expected: number; high: number };
    months: ProjectionMonth[];
    apiUsd: number;
    totalUsd: number;
  };
  comparison: ComparisonRow[];
  sensitivity: SensitivityEntry[];
  monteCarlo: { samples: number; seed: number; distribution: 'triangular' };
  /** The scenario as parsed, defaults filled in: ranged inputs as {low, expected, high}. */
  assumptions: Scenario;
}
