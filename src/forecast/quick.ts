import type { ScenarioInput } from './schema.js';

export interface QuickInput {
  model: string;
  inputTokens: number;
  outputTokens: number;
  perDay: number;
}

/** The article's back-of-envelope case as a scenario: one-turn interactions of a fixed size. */
export function quickScenario(q: QuickInput): ScenarioInput {
  return {
    name: `${q.model}: ${q.inputTokens} in + ${q.outputTokens} out, ${q.perDay}/day`,
    traffic: { interactionsPerDay: q.perDay },
    perTurn: { userMessageTokens: q.inputTokens, outputTokens: q.outputTokens },
    model: q.model,
  };
}
