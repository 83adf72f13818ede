import type { ScenarioInput } from './schema.js';

export interface Archetype {
  id: string;
  description: string;
  /** The article's monthly running-cost range (API + infrastructure) this archetype lands in. */
  articleRangeUsd: [low: number, high: number];
  scenario: ScenarioInput;
}

/**
 * Starting points from the article's "real numbers from real deployments". Each lands, at expected
 * values, inside the article's monthly range for running cost (API, embeddings and infrastructure);
 * build, maintenance and people come on top, as the article says.
 */
export const ARCHETYPES: readonly Archetype[] = [
  {
    id: 'internal-assistant',
    description: 'Internal knowledge assistant for a team of 20–50, RAG over company documents',
    articleRangeUsd: [150, 400],
    scenario: {
      name: 'Internal knowledge assistant',
      description: 'A team of 20–50 asks questions about company documents during the working day.',
      traffic: {
        conversationsPerDay: { low: 50, expected: 100, high: 160 },
        turnsPerConversation: { low: 2, expected: 3, high: 5 },
        workingDaysPerMonth: 22,
        monthlyGrowth: 0.02,
      },
      perTurn: {
        systemPromptTokens: 1200,
        ragContextTokens: { low: 2000, expected: 3500, high: 6000 },
        userMessageTokens: 80,
        outputTokens: 400,
      },
      caching: { cacheSystemPrompt: true },
      model: 'gpt-4.1',
      knowledgeBase: { documents: 2000, tokensPerDocument: 1500, reindexesPerMonth: 4 },
      infrastructure: { vectorDatabase: 70, orchestration: 40, conversationStore: 20, monitoring: 25 },
      maintenance: { buildCostUsd: 12_000 },
      owner: { hoursPerWeek: 3, hourlyRateUsd: 75 },
    },
  },
  {
    id: 'customer-chatbot',
    description: 'Customer-facing support chatbot, 500–2,000 conversations a month, RAG + order lookups',
    articleRangeUsd: [300, 1200],
    scenario: {
      name: 'Customer support chatbot',
      description: 'Multi-turn support conversations with product documentation and order history in context.',
      traffic: {
        conversationsPerDay: { low: 20, expected: 45, high: 70 },
        turnsPerConversation: { low: 3, expected: 6, high: 10 },
        monthlyGrowth: { low: 0, expected: 0.05, high: 0.1 },
      },
      perTurn: {
        systemPromptTokens: 2000,
        ragContextTokens: { low: 3000, expected: 5000, high: 8000 },
        userMessageTokens: 120,
        outputTokens: 350,
        toolRounds: 0.5,
        toolCallTokens: 60,
        toolResultTokens: 800,
      },
      caching: { cacheSystemPrompt: true, responseCacheShare: 0.1 },
      models: [
        { model: 'claude-sonnet-4-5', share: 0.7 },
        { model: 'claude-haiku-4-5', share: 0.3 },
      ],
      knowledgeBase: { documents: 5000, tokensPerDocument: 1200, reindexesPerMonth: 4 },
      infrastructure: { vectorDatabase: 100, orchestration: 60, conversationStore: 40, monitoring: 50 },
      maintenance: { buildCostUsd: 20_000 },
      owner: { hoursPerWeek: 5, hourlyRateUsd: 80 },
      humanReview: { minutesPerItem: 2, hourlyRateUsd: 40, share: 0.05 },
    },
  },
  {
    id: 'document-pipeline',
    description: 'Document processing pipeline, 200–500 documents a month: extraction with validation passes',
    articleRangeUsd: [200, 800],
    scenario: {
      name: 'Document processing pipeline',
      description: 'Contracts and invoices: each document is read, extracted, then checked by a validation pass.',
      traffic: { interactionsPerDay: { low: 10, expected: 16, high: 24 }, workingDaysPerMonth: 22 },
      perTurn: {
        systemPromptTokens: 1500,
        userMessageTokens: { low: 8000, expected: 25_000, high: 60_000 },
        outputTokens: 2000,
        toolRounds: 2,
        toolCallTokens: 150,
        toolResultTokens: 1500,
      },
      model: 'gpt-4.1',
      infrastructure: { orchestration: 80, documentParsing: 150, storage: 30, monitoring: 40 },
      maintenance: { buildCostUsd: 15_000 },
      owner: { hoursPerWeek: 3, hourlyRateUsd: 75 },
      humanReview: { minutesPerItem: 3, hourlyRateUsd: 45, share: 0.2 },
    },
  },
  {
    id: 'email-assistant',
    description: 'AI-assisted email, 1,000–5,000 emails a month: drafts replies, a person approves each one',
    articleRangeUsd: [400, 1500],
    scenario: {
      name: 'Email assistant',
      description: 'Triage on a small model, replies drafted with customer history; every outbound email is approved.',
      traffic: { interactionsPerDay: { low: 50, expected: 140, high: 230 }, workingDaysPerMonth: 22 },
      perTurn: {
        systemPromptTokens: 2500,
        ragContextTokens: { low: 5000, expected: 10_000, high: 15_000 },
        userMessageTokens: 900,
        outputTokens: 600,
        toolRounds: 2,
        toolCallTokens: 80,
        toolResultTokens: 1500,
      },
      caching: { cacheSystemPrompt: true },
      models: [
        { model: 'claude-sonnet-4-5', share: 0.7 },
        { model: 'gpt-4o-mini', share: 0.3 },
      ],
      knowledgeBase: { documents: 3000, tokensPerDocument: 1000, reindexesPerMonth: 2 },
      infrastructure: { vectorDatabase: 100, orchestration: 80, emailIntegration: 50, conversationStore: 40, monitoring: 50 },
      maintenance: { buildCostUsd: 20_000 },
      owner: { hoursPerWeek: 4, hourlyRateUsd: 75 },
      humanReview: { minutesPerItem: { low: 0.5, expected: 1, high: 2 }, hourlyRateUsd: 35 },
    },
  },
  {
    id: 'multi-tool-agent',
    description: 'Custom agent with several tool integrations (CRM, tickets, calendar, search), many tool rounds',
    articleRangeUsd: [800, 3000],
    scenario: {
      name: 'Multi-tool agent',
      description: 'An agent that plans, calls several tools per request and resends everything on each round.',
      traffic: {
        conversationsPerDay: { low: 30, expected: 60, high: 100 },
        turnsPerConversation: { low: 2, expected: 4, high: 6 },
        monthlyGrowth: 0.03,
      },
      perTurn: {
        systemPromptTokens: 4000,
        ragContextTokens: 2000,
        userMessageTokens: 150,
        outputTokens: 500,
        toolRounds: { low: 2, expected: 4, high: 8 },
        toolCallTokens: 120,
        toolResultTokens: { low: 500, expected: 1200, high: 3000 },
      },
      caching: { cacheSystemPrompt: true },
      models: [
        { model: 'claude-sonnet-4-5', share: 0.8 },
        { model: 'claude-haiku-4-5', share: 0.2 },
      ],
      infrastructure: { orchestration: 300, vectorDatabase: 150, conversationStore: 60, monitoring: 100, toolApis: 150 },
      maintenance: { buildCostUsd: 40_000 },
      owner: { hoursPerWeek: 8, hourlyRateUsd: 90 },
    },
  },
];

export function findArchetype(id: string): Archetype | undefined {
  return ARCHETYPES.find((a) => a.id === id);
}
