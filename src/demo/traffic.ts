import { mulberry32 } from '../util/random.js';

/**
 * A month of realistic mixed traffic for the demo: several apps, models, customers and features,
 * multi-turn conversations whose context creeps up over the month, cache hits, routing to a small
 * model, and a weekend retry-loop incident. Deterministic (seeded), so the demo looks the same
 * every time.
 */
export interface DemoCall {
  ts: number;
  app: string;
  feature: string;
  customer: string | null;
  conversation: string | null;
  endpoint: 'openai-chat' | 'anthropic-messages' | 'openai-embeddings';
  provider: string;
  model: string;
  requestedModel: string;
  route: string | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  status: number;
  cacheHit: boolean;
  stream: boolean;
  latencyMs: number;
}


const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Business-hours weighting: more traffic 9–18 UTC, a little at night. */
function hourWeight(hour: number): number {
  return hour >= 9 && hour < 18 ? 3 : hour >= 7 && hour < 21 ? 1.5 : 0.3;
}

export function* demoTraffic(days: number, now: number, seed = 7): Generator<DemoCall> {
  const random = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const customers = Array.from({ length: 40 }, (_, i) => `cust-${String(i + 1).padStart(3, '0')}`);
  const incidentDay = start + Math.max(0, days - 10) * DAY;
  let conv = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const creep = 1 + (1.5 * d) / Math.max(1, days - 1); // the support bot's context grows 2.5× over the month
    for (let h = 0; h < 24; h++) {
      const hourStart = dayStart + h * HOUR;
      if (hourStart > now) return;
      const w = hourWeight(h) * (weekend ? 0.4 : 1);
      // support-bot: multi-turn conversations; classification routed to a small model.
      const conversations = Math.round(w * (2 + random() * 2));
      for (let c = 0; c < conversations; c++) {
        const id = `conv-${++conv}`;
        const customer = pick(customers);
        const turns = 1 + Math.floor(random() * 6);
        let t = hourStart + Math.floor(random() * HOUR * 0.9);
        yield { ts: t, app: 'support-bot', feature: 'classify', customer, conversation: id, endpoint: 'openai-chat', provider: 'simulated', model: 'gpt-4o-mini', requestedModel: 'claude-sonnet-4-5', route: 'rule:small-tasks', inputTokens: 300, cachedTokens: 0, outputTokens: 5, status: 200, cacheHit: false, stream: false, latencyMs: 180 + random() * 120 };
        for (let turn = 1; turn <= turns; turn++) {
          t += 20_000 + Math.floor(random() * 60_000);
          const system = Math.round(1500 * creep);
          const rag = Math.round(2500 * creep);
          const history = (turn - 1) * 450;
          const input = system + rag + 120 + history;
          const hit = turn === 1 && random() < 0.15;
          yield { ts: t, app: 'support-bot', feature: 'chat', customer, conversation: id, endpoint: 'anthropic-messages', provider: 'simulated', model: 'claude-sonnet-4-5', requestedModel: 'claude-sonnet-4-5', route: null, inputTokens: input, cachedTokens: Math.round(system * 0.9), outputTokens: 250 + Math.floor(random() * 300), status: random() < 0.005 ? 529 : 200, cacheHit: hit, stream: true, latencyMs: 900 + random() * 2500 };
        }
      }
      // knowledge-assistant: internal RAG questions plus embeddings of queries (half served from cache).
      const questions = Math.round(w * 3 * random());
      for (let q = 0; q < questions; q++) {
        const t = hourStart + Math.floor(random() * HOUR);
        yield { ts: t, app: 'knowledge-assistant', feature: 'search', customer: null, conversation: null, endpoint: 'openai-embeddings', provider: 'simulated', model: 'text-embedding-3-small', requestedModel: 'text-embedding-3-small', route: null, inputTokens: 40, cachedTokens: 0, outputTokens: 0, status: 200, cacheHit: random() < 0.5, stream: false, latencyMs: 60 + random() * 40 };
        yield { ts: t + 300, app: 'knowledge-assistant', feature: 'answer', customer: null, conversation: null, endpoint: 'openai-chat', provider: 'simulated', model: 'gpt-4.1-mini', requestedModel: 'gpt-4.1-mini', route: null, inputTokens: 3500 + Math.floor(random() * 3000), cachedTokens: 0, outputTokens: 300 + Math.floor(random() * 400), status: 200, cacheHit: false, stream: true, latencyMs: 1200 + random() * 2000 };
      }
      // doc-pipeline: weekday batch extraction.
      if (!weekend && h >= 8 && h < 17) {
        const docs = 2 + Math.floor(random() * 4);
        for (let i = 0; i < docs; i++) {
          yield { ts: hourStart + Math.floor(random() * HOUR), app: 'doc-pipeline', feature: 'extract', customer: null, conversation: null, endpoint: 'openai-chat', provider: 'simulated', model: 'gpt-4o', requestedModel: 'gpt-4o', route: null, inputTokens: 6000 + Math.floor(random() * 8000), cachedTokens: 0, outputTokens: 800 + Math.floor(random() * 600), status: 200, cacheHit: false, stream: false, latencyMs: 4000 + random() * 4000 };
        }
      }
      // email-assistant: drafts on a fast model.
      const emails = Math.round(w * 2 * random());
      for (let i = 0; i < emails; i++) {
        yield { ts: hourStart + Math.floor(random() * HOUR), app: 'email-assistant', feature: 'draft', customer: pick(customers), conversation: null, endpoint: 'anthropic-messages', provider: 'simulated', model: 'claude-haiku-4-5', requestedModel: 'claude-haiku-4-5', route: null, inputTokens: 1200 + Math.floor(random() * 1500), cachedTokens: 0, outputTokens: 250 + Math.floor(random() * 250), status: 200, cacheHit: false, stream: false, latencyMs: 800 + random() * 900 };
      }
      // The incident: a Saturday-night retry loop in the doc pipeline (before Burnrate's breaker).
      if (dayStart === incidentDay && h >= 1 && h < 4) {
        for (let i = 0; i < 400; i++) {
          yield { ts: hourStart + i * 9000, app: 'doc-pipeline', feature: 'extract', customer: null, conversation: null, endpoint: 'openai-chat', provider: 'simulated', model: 'gpt-4o', requestedModel: 'gpt-4o', route: null, inputTokens: 12_000, cachedTokens: 0, outputTokens: i % 5 === 0 ? 0 : 1200, status: i % 5 === 0 ? 500 : 200, cacheHit: false, stream: false, latencyMs: 5000 };
        }
      }
    }
  }
}
