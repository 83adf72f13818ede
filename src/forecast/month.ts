import { priceUsage } from '../catalog/index.js';
import { NANO_PER_USD } from '../money/index.js';
import { conversationCostsNano, type ScenarioPoint } from './conversation.js';
import type { PricedModel } from './pricing.js';

/** Weeks in an average month (52 / 12), for the owner's hours per week. */
export const WEEKS_PER_MONTH = 52 / 12;

export interface PricedScenario {
  /** In the order of the scenario's `models`. */
  models: PricedModel[];
  embedding?: PricedModel;
}

export interface MonthItem {
  /** `api`, `embeddings`, `infrastructure.<name>`, `maintenance`, `owner`, `review`. */
  id: string;
  nano: number;
  /** Grows with traffic in the projection (the others are fixed costs). */
  traffic: boolean;
}

/** One month (the first, before growth) at one point of the scenario's ranges. Money in nano-USD floats. */
export interface MonthCost {
  conversations: number;
  interactions: number;
  /** Model calls, after response caching. */
  calls: number;
  perConversationNano: number;
  perInteractionNano: number;
  /** Per model of the mix: its normalized share and its cost per conversation alone. */
  byModel: { weight: number; perConversationNano: number }[];
  items: MonthItem[];
  totalNano: number;
  growth: number;
}

/** The month's model calls: evaluateMonth always lists the API first. */
export const apiNano = (m: MonthCost) => m.items[0]!.nano;

export function evaluateMonth(p: ScenarioPoint, priced: PricedScenario): MonthCost {
  const { traffic, perTurn, caching } = p;
  const turns = traffic.turnsPerConversation;
  const perConversationMode = traffic.conversationsPerDay !== undefined;
  const conversations = perConversationMode
    ? traffic.conversationsPerDay! * traffic.workingDaysPerMonth
    : (traffic.interactionsPerDay! * traffic.workingDaysPerMonth) / turns;
  const interactions = conversations * turns;

  // Shares are weights; each call goes to a model with probability weight, so costs mix linearly.
  const shareSum = p.models.reduce((s, m) => s + m.share, 0);
  const answered = 1 - caching.responseCacheShare;
  const byModel = conversationCostsNano(priced.models, p).map((nano, i) => ({
    weight: p.models[i]!.share / shareSum,
    perConversationNano: answered * nano,
  }));
  const perConversationNano = byModel.reduce((s, m) => s + m.weight * m.perConversationNano, 0);

  const items: MonthItem[] = [{ id: 'api', nano: conversations * perConversationNano, traffic: true }];
  const kb = p.knowledgeBase;
  const perIndexing = kb && priced.embedding
    ? priceUsage(priced.embedding.version, { input: Math.round(kb.documents * kb.tokensPerDocument) }).costNano
    : 0;
  items.push({ id: 'embeddings', nano: perIndexing * (kb?.reindexesPerMonth ?? 0), traffic: false });
  for (const [name, usd] of Object.entries(p.infrastructure)) {
    items.push({ id: `infrastructure.${name}`, nano: usd * NANO_PER_USD, traffic: false });
  }
  const m = p.maintenance;
  items.push({ id: 'maintenance', nano: m ? m.buildCostUsd * m.monthlyShare * NANO_PER_USD : 0, traffic: false });
  const o = p.owner;
  items.push({ id: 'owner', nano: o ? o.hoursPerWeek * WEEKS_PER_MONTH * o.hourlyRateUsd * NANO_PER_USD : 0, traffic: false });
  // An item is the unit traffic is counted in: a conversation, or an interaction (an email, a document).
  const r = p.humanReview;
  const reviewed = (perConversationMode ? conversations : interactions) * (r?.share ?? 0);
  items.push({ id: 'review', nano: r ? ((reviewed * r.minutesPerItem) / 60) * r.hourlyRateUsd * NANO_PER_USD : 0, traffic: true });

  return {
    conversations,
    interactions,
    calls: interactions * (perTurn.toolRounds + 1) * answered,
    perConversationNano,
    perInteractionNano: perConversationNano / turns,
    byModel,
    items,
    totalNano: items.reduce((s, i) => s + i.nano, 0),
    growth: traffic.monthlyGrowth,
  };
}
