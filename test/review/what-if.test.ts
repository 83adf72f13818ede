import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, ratesForSize, type ModelEntry, type Rates, type Usage } from '../../src/catalog/index.js';
import type { Storage } from '../../src/gateway/storage.js';
import { candidateModels, reviewModels, ReviewRepository, type GroupReview, type ModelReview } from '../../src/review/index.js';
import { BACKENDS, day, openWith, PERIOD, type ReviewStore } from './helpers.js';

const catalog = new Catalog();
const at = new Date(PERIOD.to);
const entry = (key: string): ModelEntry => catalog.list().find((e) => `${e.provider}/${e.id}` === key)!;

/** Hand computation: tokens × $/M of each kind; cached input at the cache-read rate, else the input rate. */
function byHand(rates: Rates, u: Usage): number {
  const cacheRead = rates.cache_read ?? rates.input ?? 0;
  const cacheWrite = rates.cache_write ?? rates.input ?? 0;
  return ((u.input ?? 0) * (rates.input ?? 0) + (u.cache_read ?? 0) * cacheRead + (u.cache_write ?? 0) * cacheWrite + (u.output ?? 0) * (rates.output ?? 0)) / 1e6;
}
const baseRates = (ref: string) => catalog.versionAt(entry(ref), at).rates;

describe.each(BACKENDS)('model review: what the same usage costs elsewhere ($name)', (backend) => {
  let store: ReviewStore;
  let storage: Storage;
  let review: ModelReview;
  const group = (app: string, model: string): GroupReview => review.groups.find((g) => g.app === app && g.model === model)!;
  const alt = (g: GroupReview, model: string) => g.alternatives.find((a) => a.model === model);

  const chatUsage = { input: 1000, cache_read: 3000, output: 500 };
  const claudeUsage = { input: 2000, cache_read: 10_000, cache_write: 4000, output: 800 };
  const bigUsage = { input: 300_000, output: 2000 };
  const smallUsage = { input: 1000, output: 100 };

  beforeAll(async () => {
    store = await backend.create();
    storage = await openWith(store, [
      // support/chat on gpt-4o: two requests with prompt caching.
      { app: 'support', feature: 'chat', model: 'gpt-4o', requestedModel: 'gpt-4o', usage: chatUsage, ts: day(3), costNano: 1, latencyMs: 100 },
      { app: 'support', feature: 'chat', model: 'gpt-4o', requestedModel: 'gpt-4o', usage: chatUsage, ts: day(4), costNano: 1, latencyMs: 300, stream: true },
      // A failed request: counted as an error, left out of the median latency.
      { app: 'support', feature: 'chat', model: 'gpt-4o', requestedModel: 'gpt-4o', usage: {}, ts: day(4, 12), costNano: 0, latencyMs: 5000, status: 500, errorCode: 'upstream_error' },
      // support/summaries on Claude with cache writes.
      { app: 'support', feature: 'summaries', model: 'claude-sonnet-4-5', requestedModel: 'claude-sonnet-4-5', provider: 'anthropic', endpoint: 'anthropic-messages', usage: claudeUsage, ts: day(5) },
      // docs: one long request (300k input) and one small one: the long one selects long-context tiers.
      { app: 'docs', feature: null, model: 'gemini-2.5-flash', requestedModel: 'gemini-2.5-flash', usage: bigUsage, ts: day(6) },
      { app: 'docs', feature: null, model: 'gemini-2.5-flash', requestedModel: 'gemini-2.5-flash', usage: smallUsage, ts: day(7) },
      // search: embeddings.
      { app: 'search', model: 'text-embedding-3-small', requestedModel: 'text-embedding-3-small', endpoint: 'openai-embeddings', usage: { input: 5000 }, ts: day(8) },
      { app: 'search', model: 'text-embedding-3-small', requestedModel: 'text-embedding-3-small', endpoint: 'openai-embeddings', usage: { input: 5000 }, ts: day(8, 11) },
      // A response-cache hit costs nothing anywhere: left out.
      { app: 'support', feature: 'chat', model: 'gpt-4o', requestedModel: 'gpt-4o', usage: chatUsage, ts: day(9), cache: 'hit', costNano: 0 },
      // Traffic that needs tools, and traffic that sends images.
      { app: 'agents', feature: 'lookup', model: 'gpt-4.1', requestedModel: 'gpt-4.1', usage: smallUsage, ts: day(10), usesTools: true },
      { app: 'agents', feature: 'lookup', model: 'gpt-4.1', requestedModel: 'gpt-4.1', usage: smallUsage, ts: day(11) },
      { app: 'photos', feature: null, model: 'gpt-4.1', requestedModel: 'gpt-4.1', usage: smallUsage, ts: day(10), usesImages: true },
      // Outside the period.
      { app: 'support', feature: 'chat', model: 'gpt-4o', requestedModel: 'gpt-4o', usage: chatUsage, ts: Date.parse('2026-10-20T00:00:00Z') },
    ]);
    review = await reviewModels(new ReviewRepository(storage.sql), catalog, { period: PERIOD, now: PERIOD.to, batch: true, limit: 50 });
  });
  afterAll(async () => {
    await storage.close();
    await store.dispose();
  });

  it('aggregates usage per app, feature, model and endpoint kind from the ledger rows in the period', () => {
    const g = group('support', 'gpt-4o');
    expect(g.feature).toBe('chat');
    expect(g.requests).toBe(3);
    expect(g.errors).toBe(1);
    expect(g.streamed).toBe(1);
    expect(g.maxTokensIn).toBe(4000);
    expect(g.usage).toEqual({ input: 2000, cache_read: 6000, output: 1000 });
    expect(g.actualUsd).toBe(2e-9);
    expect(g.interactive).toBe(true);
    expect(group('search', 'text-embedding-3-small').kind).toBe('embeddings');
    expect(review.totals.requests).toBe(11);
  });

  it('prices cached input at each candidate\'s cache-read rate: pinned cases equal the hand computation', () => {
    const g = group('support', 'gpt-4o');
    const twice = { input: 2000, cache_read: 6000, output: 1000 };
    // gpt-4o-mini ($0.15 in, $0.075 cached, $0.60 out per M): 2000×0.15 + 6000×0.075 + 1000×0.6 = $0.00135.
    expect(alt(g, 'openai/gpt-4o-mini')!.periodUsd).toBeCloseTo(0.00135, 9);
    expect(alt(g, 'openai/gpt-4o-mini')!.periodUsd).toBeCloseTo(byHand(baseRates('openai/gpt-4o-mini'), twice), 9);
    // A candidate without a cache-read rate bills cached input at its full input rate.
    const noCache = g.alternatives.find((a) => catalog.versionAt(entry(a.model), at).rates.cache_read === undefined && a.provider === 'deepseek')!;
    expect(noCache).toBeDefined();
    expect(noCache.periodUsd).toBeCloseTo(byHand(baseRates(noCache.model), twice), 9);
    // Another provider's model, through the catalog's own prices.
    expect(alt(g, 'anthropic/claude-haiku-4-5')!.periodUsd).toBeCloseTo(byHand(baseRates('anthropic/claude-haiku-4-5'), twice), 9);
    // The baseline is the current model at the same catalog prices; the saving is the difference, per month.
    const factor = 365.25 / 12 / 30;
    expect(g.repricedMonthlyUsd).toBeCloseTo(byHand(baseRates('openai/gpt-4o'), twice) * factor, 9);
    expect(alt(g, 'openai/gpt-4o-mini')!.savingsMonthlyUsd).toBeCloseTo((byHand(baseRates('openai/gpt-4o'), twice) - 0.00135) * factor, 9);
    expect(alt(g, 'openai/gpt-4o-mini')!.monthlyUsd).toBeCloseTo(0.00135 * factor, 9);
  });

  it('prices cache writes at the candidate\'s cache-write rate (input rate when it has none)', () => {
    const g = group('support', 'claude-sonnet-4-5');
    expect(alt(g, 'anthropic/claude-haiku-4-5')!.periodUsd).toBeCloseTo(byHand(baseRates('anthropic/claude-haiku-4-5'), claudeUsage), 9);
    expect(alt(g, 'openai/gpt-4.1-mini')!.periodUsd).toBeCloseTo(byHand(baseRates('openai/gpt-4.1-mini'), claudeUsage), 9);
  });

  it('prices each request at the long-context tier its own size selects', () => {
    const g = group('docs', 'gemini-2.5-flash');
    const e = entry('openai/gpt-5.4');
    const version = catalog.versionAt(e, at);
    expect(version.tiers.length).toBeGreaterThan(0);
    const expected = byHand(ratesForSize(version, 300_000), bigUsage) + byHand(ratesForSize(version, 1000), smallUsage);
    expect(alt(g, 'openai/gpt-5.4')!.periodUsd).toBeCloseTo(expected, 9);
    expect(expected).not.toBeCloseTo(byHand(version.rates, { input: 301_000, output: 2100 }), 6);
  });

  it('excludes models whose context window cannot hold the largest input seen, and says why', () => {
    const g = group('docs', 'gemini-2.5-flash');
    expect(g.maxTokensIn).toBe(300_000);
    expect(alt(g, 'openai/gpt-4o')).toBeUndefined();
    expect(alt(g, 'anthropic/claude-haiku-4-5')).toBeUndefined();
    expect(g.excluded.find((x) => x.model === 'openai/gpt-4o')?.reason).toMatch(/context window 128000 < largest input seen 300000/);
    for (const a of g.alternatives) expect(a.contextWindow).toBeGreaterThanOrEqual(300_000);
    // The small-context group keeps them.
    expect(alt(group('support', 'gpt-4o'), 'anthropic/claude-haiku-4-5')).toBeDefined();
  });

  it('excludes models that lack tool use or image input when the traffic needed them, and only then', () => {
    const plain = group('support', 'gpt-4o');
    const tools = group('agents', 'gpt-4.1');
    const images = group('photos', 'gpt-4.1');
    expect([tools.withTools, tools.withImages, images.withTools, images.withImages]).toEqual([1, 0, 0, 1]);
    // o1-mini has neither; DeepSeek takes tools but no images; o3-mini tools but no images.
    for (const model of ['openai/o1-mini', 'deepseek/deepseek-chat', 'openai/o3-mini']) expect(alt(plain, model)).toBeDefined();
    expect(alt(tools, 'openai/o1-mini')).toBeUndefined();
    expect(tools.excluded.find((x) => x.model === 'openai/o1-mini')?.reason).toBe('no tool use (1 requests offered tools)');
    expect(alt(tools, 'deepseek/deepseek-chat')).toBeDefined();
    expect(alt(images, 'deepseek/deepseek-chat')).toBeUndefined();
    expect(alt(images, 'openai/o3-mini')).toBeUndefined();
    expect(images.excluded.find((x) => x.model === 'openai/o3-mini')?.reason).toBe('no image input (1 requests sent images)');
    expect(images.alternatives.some((a) => a.provider === 'deepseek')).toBe(false);
    expect(alt(images, 'openai/gpt-4.1-mini')).toBeDefined();
  });

  it('keeps embeddings traffic on embeddings models and chat traffic on chat models, first-party and not deprecated', () => {
    const emb = group('search', 'text-embedding-3-small');
    expect(emb.alternatives.length).toBeGreaterThan(0);
    for (const a of emb.alternatives) expect(a.model).toMatch(/embed/);
    expect(alt(emb, 'openai/text-embedding-3-large')!.periodUsd).toBeCloseTo((10_000 * baseRates('openai/text-embedding-3-large').input!) / 1e6, 9);
    const chat = group('support', 'gpt-4o');
    for (const a of chat.alternatives) {
      expect(a.model).not.toMatch(/embed|tts|whisper|image|realtime/);
      expect(['openai', 'anthropic', 'google', 'mistral', 'deepseek', 'x-ai']).toContain(a.provider);
      expect(entry(a.model).deprecated).not.toBe(true);
    }
    // Claude resold on Vertex is not a Google candidate.
    expect(chat.alternatives.some((a) => a.model.startsWith('google/claude'))).toBe(false);
    expect(candidateModels(catalog, 'chat', at).some((e) => e.deprecated)).toBe(false);
  });

  it('prices the batch API when asked, and recommends it for traffic that never streamed', () => {
    const g = group('support', 'claude-sonnet-4-5');
    expect(g.interactive).toBe(false);
    expect(g.batchMonthlyUsd).toBeCloseTo(g.repricedMonthlyUsd! * 0.5, 6);
    expect(review.recommendations.some((r) => r.via === 'batch' && r.app === 'support' && r.feature === 'summaries')).toBe(true);
    expect(review.recommendations.some((r) => r.via === 'batch' && r.feature === 'chat')).toBe(false);
  });

  it('recommends in dollars per month with quality evidence and the caveat', () => {
    expect(review.recommendations.length).toBeGreaterThan(0);
    const r = review.recommendations.find((x) => x.app === 'support' && x.feature === 'chat' && x.via === 'model')!;
    expect(r.savingsMonthlyUsd).toBeGreaterThan(0);
    expect(r.evidence.current).toMatchObject({ model: 'openai/gpt-4o', requests: 3, errorRate: 1 / 3, p50LatencyMs: 100 });
    expect(review.caveats[0]).toMatch(/Cheaper is not as good/);
    expect(review.notChecked.join(' ')).toMatch(/tool use and vision/i);
    for (let i = 1; i < review.recommendations.length; i++) {
      expect(review.recommendations[i - 1]!.savingsMonthlyUsd).toBeGreaterThanOrEqual(review.recommendations[i]!.savingsMonthlyUsd);
    }
  });

  it('filters by app', async () => {
    const only = await reviewModels(new ReviewRepository(storage.sql), catalog, { period: PERIOD, now: PERIOD.to, app: 'docs' });
    expect(new Set(only.groups.map((g) => g.app))).toEqual(new Set(['docs']));
  });
});
