import type { Catalog } from '../catalog/catalog.js';
import type { ModelEntry, Usage } from '../catalog/types.js';
import { nanoToUsd } from '../money/nano.js';
import { candidateModels, entryKey, exclusionReason, priceBands, tierThresholds } from './candidates.js';
import { lifecycleFlag, type LifecycleFlag } from './lifecycle.js';
import { monthlyFactor, periodDays, type Period } from './period.js';
import type { EndpointKind, ReviewRepository, UsageGroup } from './repository.js';

export interface Evidence {
  /** The catalog model (provider/id) the evidence is about. */
  model: string;
  requests: number;
  /** Share of requests that failed (status ≥ 400); null without traffic. */
  errorRate: number | null;
  p50LatencyMs: number | null;
  feedback: { count: number; meanScore: number } | null;
}

export interface Alternative {
  /** provider/id */
  model: string;
  provider: string;
  contextWindow: number | null;
  periodUsd: number;
  monthlyUsd: number;
  /** With the provider's batch API (only with the batch option; null when the provider has none). */
  batchMonthlyUsd?: number | null;
  /** Against the current model at today's catalog prices; positive = cheaper. */
  savingsMonthlyUsd: number | null;
}

export interface GroupReview {
  app: string;
  feature: string | null;
  /** The model id in the ledger. */
  model: string;
  /** Its catalog entry (provider/id), null when the catalog does not know it. */
  catalogModel: string | null;
  kind: EndpointKind;
  requests: number;
  errors: number;
  streamed: number;
  /** No request streamed in the period: the traffic may not need an interactive answer (a batch candidate). */
  interactive: boolean;
  maxTokensIn: number;
  maxTokensOut: number;
  /** Requests that offered tools, and that sent images: candidates must support them. */
  withTools: number;
  withImages: number;
  usage: Usage;
  /** What the ledger recorded. */
  actualUsd: number;
  actualMonthlyUsd: number;
  /** The same usage on the same model at the catalog's prices at the end of the period (the what-if baseline). */
  repricedMonthlyUsd: number | null;
  batchMonthlyUsd?: number | null;
  alternatives: Alternative[];
  /** Candidates that cannot serve this traffic, and why. */
  excluded: { model: string; reason: string }[];
  lifecycle: LifecycleFlag | null;
}

export interface Recommendation {
  app: string;
  feature: string | null;
  currentModel: string;
  /** A catalog model (provider/id), or the current one through the batch API. */
  switchTo: string;
  via: 'model' | 'batch';
  currentMonthlyUsd: number;
  newMonthlyUsd: number;
  savingsMonthlyUsd: number;
  savingsShare: number;
  evidence: { current: Evidence | null; candidate: Evidence | null };
  why: string;
}

export interface ModelReview {
  generatedAt: string;
  period: { from: string; to: string; days: number };
  app: string | null;
  batch: boolean;
  catalogVersion: string;
  totals: { requests: number; actualUsd: number; actualMonthlyUsd: number };
  costByModel: { model: string; requests: number; actualUsd: number; monthlyUsd: number }[];
  groups: GroupReview[];
  recommendations: Recommendation[];
  lifecycle: (LifecycleFlag & { apps: string[] })[];
  caveats: string[];
  notChecked: string[];
}

export interface ReviewOptions {
  period: Period;
  app?: string | undefined;
  batch?: boolean | undefined;
  /** How many recommendations to keep (default 10). */
  limit?: number | undefined;
  now?: number | undefined;
}

/** A recommendation must save at least this share of the current cost: a sliver is not worth a migration. */
export const MIN_SAVINGS_SHARE = 0.05;

export const CAVEATS = [
  'Cheaper is not as good. These figures say what the same tokens would cost; they say nothing about whether another model answers as well. Test a candidate on real traffic (a fallback route or a share of requests) and compare its error rate, latency and feedback before switching.',
  'The what-if keeps the token counts as they were: another model tokenizes differently (often ±10–30 %) and may write longer or shorter answers.',
  'Cached input is priced at each candidate\'s cache-read rate (full input rate when it has none), assuming the same share of the prompt would be cached there; providers cache differently (automatic on OpenAI, explicit cache_control on Anthropic).',
  'Monthly figures scale the period linearly; cache hits of the gateway\'s own response cache cost nothing on any model and are left out.',
];

export const NOT_CHECKED = [
  'Tool use and vision are checked against a short list of models known to lack them (src/catalog/capabilities.ts); a model not on it is assumed capable. Requests recorded before the ledger noted tools and images count as needing neither.',
  'Structured output, languages and reasoning quality are not checked.',
];

/** The model review: what the traffic cost, what the same usage would cost on every other candidate, and what to try. */
export async function reviewModels(repo: ReviewRepository, catalog: Catalog, options: ReviewOptions): Promise<ModelReview> {
  const { period } = options;
  const now = options.now ?? Date.now();
  const at = new Date(Math.min(period.to, now));
  const batch = options.batch === true;
  const factor = monthlyFactor(period);
  const monthly = (nano: number) => nanoToUsd(nano) * factor;

  const candidates: Record<EndpointKind, ModelEntry[]> = { chat: candidateModels(catalog, 'chat', at), embeddings: candidateModels(catalog, 'embeddings', at) };
  // Band usage at every tier boundary in the catalog (a handful): any model, current or candidate, is then priced exactly.
  const [raw, evidence] = await Promise.all([
    repo.usageGroups(period, tierThresholds(catalog, catalog.list(), at), options.app),
    evidenceByEntry(repo, catalog, period),
  ]);

  const groups: GroupReview[] = raw.map((g) => reviewGroup(catalog, g, candidates[g.kind], at, batch, monthly));
  groups.sort((a, b) => b.actualUsd - a.actualUsd || a.app.localeCompare(b.app));

  const recommendations = recommend(groups, evidence, batch).slice(0, options.limit ?? 10);

  const byModel = new Map<string, { requests: number; nano: number }>();
  for (const g of raw) {
    const e = byModel.get(g.model) ?? { requests: 0, nano: 0 };
    e.requests += g.requests;
    e.nano += g.costNano;
    byModel.set(g.model, e);
  }
  const costByModel = [...byModel.entries()]
    .map(([model, e]) => ({ model, requests: e.requests, actualUsd: nanoToUsd(e.nano), monthlyUsd: monthly(e.nano) }))
    .sort((a, b) => b.actualUsd - a.actualUsd);

  const lifecycle = new Map<string, LifecycleFlag & { apps: string[] }>();
  for (const g of groups) {
    if (!g.lifecycle) continue;
    const l = lifecycle.get(g.model) ?? { ...g.lifecycle, apps: [] };
    if (!l.apps.includes(g.app)) l.apps.push(g.app);
    lifecycle.set(g.model, l);
  }
  const totalNano = raw.reduce((s, g) => s + g.costNano, 0);
  return {
    generatedAt: new Date(now).toISOString(),
    period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString(), days: Math.round(periodDays(period) * 100) / 100 },
    app: options.app ?? null,
    batch,
    catalogVersion: catalog.version,
    totals: { requests: raw.reduce((s, g) => s + g.requests, 0), actualUsd: nanoToUsd(totalNano), actualMonthlyUsd: monthly(totalNano) },
    costByModel,
    groups,
    recommendations,
    lifecycle: [...lifecycle.values()],
    caveats: CAVEATS,
    notChecked: NOT_CHECKED,
  };
}

function reviewGroup(catalog: Catalog, g: UsageGroup, candidates: ModelEntry[], at: Date, batch: boolean, monthly: (nano: number) => number): GroupReview {
  const current = catalog.tryResolve(g.model)?.entry;
  const repriced = current ? priceBands(catalog, current, g.bands, { at }) : undefined;
  const alternatives: Alternative[] = [];
  const excluded: GroupReview['excluded'] = [];
  for (const e of candidates) {
    if (current && entryKey(e) === entryKey(current)) continue;
    const reason = exclusionReason(catalog, e, g, at);
    if (reason) {
      excluded.push({ model: entryKey(e), reason });
      continue;
    }
    const nano = priceBands(catalog, e, g.bands, { at });
    const alt: Alternative = {
      model: entryKey(e),
      provider: e.provider,
      contextWindow: e.contextWindow ?? null,
      periodUsd: nanoToUsd(nano),
      monthlyUsd: monthly(nano),
      savingsMonthlyUsd: repriced === undefined ? null : monthly(repriced - nano),
    };
    if (batch) alt.batchMonthlyUsd = catalog.batchDiscount(e) > 0 ? monthly(priceBands(catalog, e, g.bands, { at, batch: true })) : null;
    alternatives.push(alt);
  }
  alternatives.sort((a, b) => a.monthlyUsd - b.monthlyUsd || a.model.localeCompare(b.model));
  const review: GroupReview = {
    app: g.app,
    feature: g.feature || null,
    model: g.model,
    catalogModel: current ? entryKey(current) : null,
    kind: g.kind,
    requests: g.requests,
    errors: g.errors,
    streamed: g.streamed,
    interactive: g.streamed > 0,
    maxTokensIn: g.maxTokensIn,
    maxTokensOut: g.maxTokensOut,
    withTools: g.withTools,
    withImages: g.withImages,
    usage: g.usage,
    actualUsd: nanoToUsd(g.costNano),
    actualMonthlyUsd: monthly(g.costNano),
    repricedMonthlyUsd: repriced === undefined ? null : monthly(repriced),
    alternatives,
    excluded,
    lifecycle: lifecycleFlag(catalog, g.model, at) ?? null,
  };
  if (batch) review.batchMonthlyUsd = current && catalog.batchDiscount(current) > 0 ? monthly(priceBands(catalog, current, g.bands, { at, batch: true })) : null;
  return review;
}

/** Per group: the two cheapest candidates, the cheapest from the same provider, the lifecycle sibling, and (batch) the batch API. */
function recommend(groups: GroupReview[], evidence: Map<string, Evidence>, batch: boolean): Recommendation[] {
  const out: Recommendation[] = [];
  for (const g of groups) {
    const base = g.repricedMonthlyUsd;
    if (base === null || base <= 0) continue;
    const current = g.catalogModel ? (evidence.get(g.catalogModel) ?? null) : null;
    const provider = g.catalogModel?.split('/')[0];
    const worth = (a: Alternative) => a.savingsMonthlyUsd !== null && a.savingsMonthlyUsd / base >= MIN_SAVINGS_SHARE;
    const picks = new Map<string, string>();
    for (const a of g.alternatives.filter(worth).slice(0, 2)) picks.set(a.model, 'among the cheapest candidates that fit this traffic');
    const sameProvider = g.alternatives.find((a) => a.provider === provider && worth(a));
    if (sameProvider && !picks.has(sameProvider.model)) picks.set(sameProvider.model, 'the cheapest fitting model from the same provider (same API, least migration work)');
    const sibling = g.lifecycle?.newerSibling?.entry;
    const siblingAlt = sibling ? g.alternatives.find((a) => a.model === sibling) : undefined;
    if (siblingAlt && worth(siblingAlt)) picks.set(siblingAlt.model, 'a newer version of the same model family at no higher price');
    for (const [model, why] of picks) {
      const a = g.alternatives.find((x) => x.model === model)!;
      out.push({
        app: g.app, feature: g.feature, currentModel: g.model, switchTo: model, via: 'model',
        currentMonthlyUsd: base, newMonthlyUsd: a.monthlyUsd, savingsMonthlyUsd: a.savingsMonthlyUsd!, savingsShare: a.savingsMonthlyUsd! / base,
        evidence: { current, candidate: evidence.get(model) ?? null }, why,
      });
    }
    if (batch && !g.interactive && g.batchMonthlyUsd != null && base - g.batchMonthlyUsd > 0 && g.catalogModel) {
      out.push({
        app: g.app, feature: g.feature, currentModel: g.model, switchTo: g.catalogModel, via: 'batch',
        currentMonthlyUsd: base, newMonthlyUsd: g.batchMonthlyUsd, savingsMonthlyUsd: base - g.batchMonthlyUsd, savingsShare: (base - g.batchMonthlyUsd) / base,
        evidence: { current, candidate: current },
        why: `no request streamed in the period, so the answers may not be needed at once: the batch API takes ${Math.round((1 - g.batchMonthlyUsd / base) * 100)} % off (results within 24 h)`,
      });
    }
  }
  return out.sort((a, b) => b.savingsMonthlyUsd - a.savingsMonthlyUsd);
}

/** Error rate and median latency from the ledger, and feedback scores, per catalog model (ledger ids resolved). */
async function evidenceByEntry(repo: ReviewRepository, catalog: Catalog, period: Period): Promise<Map<string, Evidence>> {
  const out = new Map<string, Evidence & { errors: number; latencyFrom: number; fbSum: number }>();
  const get = (key: string) => {
    let e = out.get(key);
    if (!e) out.set(key, (e = { model: key, requests: 0, errors: 0, errorRate: null, p50LatencyMs: null, feedback: null, latencyFrom: 0, fbSum: 0 }));
    return e;
  };
  const [stats, feedback] = await Promise.all([repo.modelStats(period), repo.feedbackSummary(period)]);
  for (const s of stats) {
    const entry = catalog.tryResolve(s.model)?.entry;
    if (!entry) continue;
    const e = get(entryKey(entry));
    e.requests += s.requests;
    e.errors += s.errors;
    e.errorRate = e.requests ? e.errors / e.requests : null;
    // Several ledger ids for one catalog model (snapshots): the busiest one's median stands for all.
    if (s.p50LatencyMs !== null && s.requests > e.latencyFrom) {
      e.p50LatencyMs = s.p50LatencyMs;
      e.latencyFrom = s.requests;
    }
  }
  for (const f of feedback) {
    const entry = catalog.tryResolve(f.model)?.entry;
    if (!entry) continue;
    const e = get(entryKey(entry));
    const count = (e.feedback?.count ?? 0) + f.count;
    e.fbSum += f.meanScore * f.count;
    e.feedback = { count, meanScore: e.fbSum / count };
  }
  return new Map([...out.entries()].map(([k, e]) => [k, { model: e.model, requests: e.requests, errorRate: e.errorRate, p50LatencyMs: e.p50LatencyMs, feedback: e.feedback }]));
}
