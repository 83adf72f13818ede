import { describe, expect, it } from 'vitest';
import { parseScenario, turnInputTokens, type ScenarioInput } from '../../src/forecast/index.js';
import { nano, run } from './helpers.js';

/** 3-turn conversations on Claude Sonnet 4.5 (3 $/M in, 15 $/M out), 10 a day. */
const threeTurns = (extra: Partial<ScenarioInput['perTurn']> = {}, turns: number = 3): ScenarioInput => ({
  traffic: { conversationsPerDay: 10, turnsPerConversation: turns },
  perTurn: { systemPromptTokens: 1000, ragContextTokens: 500, userMessageTokens: 100, outputTokens: 200, ...extra },
  model: 'claude-sonnet-4-5',
});

describe('multi-turn conversations resend their history', () => {
  it('turn k sends system + RAG + user + (k−1) × (user + output)', () => {
    const t = { systemPromptTokens: 1000, ragContextTokens: 500, userMessageTokens: 100, outputTokens: 200 };
    const point = { ...t, resendHistory: true, toolRounds: 0, toolCallTokens: 0, toolResultTokens: 0 };
    expect([1, 2, 3].map((k) => turnInputTokens(point, k))).toEqual([1600, 1900, 2200]);
    expect(parseScenario(threeTurns()).perTurn.resendHistory).toBe(true); // the default
  });

  it('pins the closed form for 3 turns: 5,700 input + 600 output tokens = $0.0261 a conversation', () => {
    // Input: 1600 + 1900 + 2200 = 3 × 1600 + 300 × (0 + 1 + 2) = 5,700 tokens; output 3 × 200 = 600.
    // $: 5,700 × 3/M + 600 × 15/M = 0.0171 + 0.009 = 0.0261.
    const f = run(threeTurns());
    expect(nano(f.perConversationUsd)).toBe(26_100_000);
    expect(nano(f.perInteractionUsd)).toBe(8_700_000);
    expect(nano(f.monthlyApiUsd)).toBe(26_100_000 * 10 * 30);
    expect(f.traffic.interactionsPerMonth).toBe(900);
  });

  it('grows quadratically: input tokens follow T·(s + r + u) + (u + o)·T(T−1)/2', () => {
    const perM = (turns: number) => run(threeTurns({ outputTokens: 0 }, turns)).perConversationUsd / 3e-6; // input tokens
    for (const T of [1, 2, 5, 10, 20]) expect(perM(T)).toBeCloseTo(T * 1600 + 100 * ((T * (T - 1)) / 2), 6);
    // Without history each turn costs the same: linear.
    const flat = run({ ...threeTurns({}, 20), perTurn: { ...threeTurns().perTurn, resendHistory: false } });
    expect(nano(flat.perInteractionUsd)).toBe(1600 * 3000 + 200 * 15000);
  });

  it('prices each tool round as one more call that resends the prompt plus the tool call and result', () => {
    // One turn, 2 rounds: calls of 1600, 1600 + 550, 1600 + 1100 input; outputs 50, 50, 200.
    const f = run(threeTurns({ toolRounds: 2, toolCallTokens: 50, toolResultTokens: 500 }, 1));
    const input = 1600 + 2150 + 2700;
    expect(nano(f.perInteractionUsd)).toBe(input * 3000 + (50 + 50 + 200) * 15000);
    expect(f.traffic.callsPerMonth).toBe(3 * 300);
  });

  it('reads a fractional count as a mix of its neighbours (2.5 turns = half 2, half 3)', () => {
    const cost = (turns: number) => nano(run(threeTurns({}, turns)).perConversationUsd);
    expect(cost(2.5)).toBe((cost(2) + cost(3)) / 2);
  });
});
