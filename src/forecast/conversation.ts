import type { Point } from './point.js';
import { callCostNano, type PricedModel } from './pricing.js';
import type { Scenario } from './schema.js';

export type ScenarioPoint = Point<Scenario>;
type PerTurn = ScenarioPoint['perTurn'];
type Caching = ScenarioPoint['caching'];

/**
 * Input tokens of turn k (1-based) before any tool round: system + RAG + user message, plus the
 * k−1 earlier exchanges (user + output) when history is resent. Summed over turns this is
 * quadratic in the number of turns: the surprise in the article's $4,700 bill.
 */
export function turnInputTokens(t: PerTurn, k: number): number {
  const history = t.resendHistory ? (k - 1) * (t.userMessageTokens + t.outputTokens) : 0;
  return t.systemPromptTokens + t.ragContextTokens + t.userMessageTokens + history;
}

/** Input tokens of a call read from the provider's prompt cache (priced at the cache-read rate). */
export function cachedTokens(c: Caching, t: PerTurn, input: number): number {
  const system = c.cacheSystemPrompt ? Math.min(input, Math.round(t.systemPromptTokens)) : 0;
  return system + Math.round(c.promptCacheShare * (input - system));
}

/**
 * Adds turn k's cost on each model (nano-USD) into `out`, times `weight`. A fractional number of tool
 * rounds (2.5) means a mix of its two integer neighbours (half the turns make 2 rounds, half 3); the
 * calls both share are priced once. Each call's tokens are worked out once and priced on every model
 * of the mix: this loop runs for every sampled month.
 */
function addTurnCost(models: PricedModel[], p: ScenarioPoint, k: number, weight: number, out: number[]): void {
  const t = p.perTurn;
  const prompt = turnInputTokens(t, k);
  const step = t.toolCallTokens + t.toolResultTokens;
  const rounds = Math.floor(t.toolRounds);
  const frac = t.toolRounds - rounds;
  const add = (j: number, output: number, w: number) => {
    const input = Math.round(prompt + j * step);
    const cached = cachedTokens(p.caching, t, input);
    const outputTokens = Math.round(output);
    for (let m = 0; m < models.length; m++) out[m]! += w * callCostNano(models[m]!, input, cached, outputTokens);
  };
  for (let j = 0; j < rounds; j++) add(j, t.toolCallTokens, weight);
  add(rounds, t.outputTokens, weight * (1 - frac));
  if (frac > 0) {
    add(rounds, t.toolCallTokens, weight * frac);
    add(rounds + 1, t.outputTokens, weight * frac);
  }
}

/**
 * One conversation on each model alone, before response caching, in nano-USD. A fractional number
 * of turns mixes likewise: 4.5 turns is half the conversations with 4 turns and half with 5.
 */
export function conversationCostsNano(models: PricedModel[], p: ScenarioPoint): number[] {
  const out = models.map(() => 0);
  const turns = p.traffic.turnsPerConversation;
  const whole = Math.floor(turns);
  for (let k = 1; k <= whole; k++) addTurnCost(models, p, k, 1, out);
  if (turns > whole) addTurnCost(models, p, whole + 1, turns - whole, out);
  return out;
}
