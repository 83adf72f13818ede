import type { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/schema.js';
import type { BudgetStatus } from '../controls/budget-guard.js';
import { lifecycleFlag } from './lifecycle.js';
import { DAY_MS, type Period } from './period.js';
import type { Acknowledgement, ReturnedModelSpan, ReviewRepository } from './repository.js';

export const ATTENTION_KINDS = ['no_owner', 'review_overdue', 'budget_near_limit', 'alert', 'unknown_model', 'model_version_change', 'model_lifecycle'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export interface AttentionItem {
  /** Stable: the same situation always has the same key, so it can be acknowledged once. */
  key: string;
  kind: AttentionKind;
  severity: 'high' | 'medium' | 'low';
  app: string | null;
  /** The app owner's name, null when the app has none (or the item is not about one app). */
  owner: string | null;
  message: string;
  /** When the situation started, ISO. */
  since: string | null;
  details: Record<string, unknown>;
  acknowledged: boolean;
  /** Who acknowledged it, when and why (only on acknowledged items). */
  ack?: Acknowledgement;
}

export interface AppOwnership {
  app: string;
  /** The webhook URL is a secret: only whether there is one is shown. */
  owner: { name: string; email: string | null; hasWebhook: boolean } | null;
  reviewEveryDays: number;
  lastReviewed: string | null;
  reviewDue: string | null;
}

export interface StatusReport {
  generatedAt: string;
  period: { from: string; to: string };
  apps: AppOwnership[];
  /** Open items first (by severity); acknowledged ones only when asked for. */
  items: AttentionItem[];
  open: number;
  acknowledged: number;
}

/** A budget this far used needs attention. */
export const BUDGET_ATTENTION_SHARE = 0.8;

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;
const iso = (ms: number) => new Date(ms).toISOString();

export interface StatusInput {
  repo: ReviewRepository;
  config: Pick<Config, 'apps'>;
  catalog: Catalog;
  budgets: BudgetStatus[];
  period: Period;
  now?: number;
  /** Include acknowledged items too. */
  all?: boolean;
}

/**
 * What needs someone's attention: apps without an owner or overdue for a model review, budgets at
 * 80 % or more, alerts, requests for unpriced models, a change of the model id an upstream reports
 * answering, and models the catalog deprecates or has a newer, cheaper sibling for.
 */
export async function attentionStatus(input: StatusInput): Promise<StatusReport> {
  const { repo, config, catalog, budgets, period } = input;
  const now = input.now ?? Date.now();
  const ownerOf = (app: string | null) => (app ? (config.apps[app]?.owner?.name ?? null) : null);
  const items: Omit<AttentionItem, 'acknowledged' | 'owner'>[] = [];

  const [reviews, knownApps, alerts, unknownModels, versionChanges, modelsInUse, acked] = await Promise.all([
    repo.lastReviews(), repo.knownApps(period.from), repo.alertsSince(period.from), repo.unknownModelRequests(period),
    modelVersionChanges(repo, period), repo.modelsInUse(period), repo.acknowledged(),
  ]);
  const known = new Map(knownApps.map((a) => [a.app, a.firstTs]));
  for (const app of Object.keys(config.apps)) if (!known.has(app)) known.set(app, null);
  const apps: AppOwnership[] = [];
  for (const [app, firstTs] of [...known.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const settings = config.apps[app];
    const every = settings?.reviewEveryDays ?? 90;
    const last = reviews.get(app);
    const startedAt = last ?? firstTs;
    const due = startedAt === null || startedAt === undefined ? null : startedAt + every * DAY_MS;
    const owner = settings?.owner ? { name: settings.owner.name, email: settings.owner.email ?? null, hasWebhook: settings.owner.webhook !== undefined } : null;
    apps.push({ app, owner, reviewEveryDays: every, lastReviewed: last ? iso(last) : null, reviewDue: due === null ? null : iso(due) });
    if (!settings?.owner) {
      items.push({
        key: `no-owner:${app}`, kind: 'no_owner', severity: 'medium', app, since: firstTs ? iso(firstTs) : null,
        message: `app ${app} has no owner: set apps.${app}.owner.name in the config`, details: {},
      });
    }
    if (due !== null && due <= now) {
      items.push({
        key: `review-overdue:${app}:${iso(due).slice(0, 10)}`, kind: 'review_overdue', severity: 'low', app, since: iso(due),
        message: last
          ? `app ${app} was last reviewed ${iso(last).slice(0, 10)}, more than ${every} days ago: burnrate review --app ${app}, then --mark-reviewed`
          : `app ${app} has never been reviewed in ${every} days of traffic: burnrate review --app ${app}, then --mark-reviewed`,
        details: { reviewEveryDays: every, lastReviewed: last ? iso(last) : null },
      });
    }
  }

  for (const b of budgets) {
    if (b.usedShare < BUDGET_ATTENTION_SHARE) continue;
    const app = b.scope === 'app' ? b.value : null;
    items.push({
      key: `budget:${b.id}:${b.value}:${b.periodStart}`, kind: 'budget_near_limit', severity: b.usedShare >= 1 ? 'high' : 'medium', app, since: b.periodStart,
      message: `budget ${b.id}${b.scope === 'global' ? '' : ` (${b.scope} ${b.value})`} is at ${Math.round(b.usedShare * 100)} % of $${b.limitUsd} (resets ${b.resetsAt.slice(0, 16)})`,
      details: { id: b.id, scope: b.scope, value: b.value, limitUsd: b.limitUsd, spentUsd: b.spentUsd, usedShare: b.usedShare, resetsAt: b.resetsAt },
    });
  }

  for (const a of alerts) {
    let details: Record<string, unknown> = {};
    try {
      details = JSON.parse(a.details) as Record<string, unknown>;
    } catch {
      // keep the alert without its details
    }
    const app = typeof details.app === 'string' ? details.app : details.scope === 'app' && typeof details.value === 'string' ? details.value : null;
    items.push({ key: `alert:${a.id}`, kind: 'alert', severity: 'medium', app, since: iso(a.ts), message: a.message, details: { alertKind: a.kind } });
  }

  for (const u of unknownModels) {
    items.push({
      key: `unknown-model:${u.app}:${u.model}`, kind: 'unknown_model', severity: 'high', app: u.app, since: iso(u.lastTs),
      message: `${u.requests} request(s) from ${u.app} for ${u.model}, which has no price: recorded at $0 (add it to the prices override file)`,
      details: { model: u.model, requests: u.requests },
    });
  }

  items.push(...versionChanges);

  for (const m of modelsInUse) {
    const flag = lifecycleFlag(catalog, m.model, new Date(Math.min(now, period.to)));
    if (!flag) continue;
    items.push({
      key: `lifecycle:${m.app}:${m.model}:${flag.deprecated ? 'deprecated' : flag.newerSibling?.entry}`, kind: 'model_lifecycle', severity: flag.deprecated ? 'medium' : 'low', app: m.app, since: null,
      message: `${m.app}: ${flag.message}`, details: { ...flag },
    });
  }

  const all = items.map((i) => {
    const ack = acked.get(i.key);
    return { ...i, owner: ownerOf(i.app), acknowledged: ack !== undefined, ...(ack ? { ack } : {}) };
  });
  all.sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.key.localeCompare(b.key));
  const open = all.filter((i) => !i.acknowledged).length;
  return {
    generatedAt: iso(now),
    period: { from: iso(period.from), to: iso(period.to) },
    apps,
    items: input.all ? all : all.filter((i) => !i.acknowledged),
    open,
    acknowledged: all.length - open,
  };
}

/**
 * One item per change of the model id an upstream reports answering (`returnedModel`) for an app,
 * requested model and model sent (routing to another model is not a version change): each id seen is listed once, in order of first appearance (the one in use just
 * before the period first), and each step to a new id is one change. Ids that alternate (a pool of
 * snapshots, a partial rollout) count once, when the new id first appears.
 */
export async function modelVersionChanges(repo: ReviewRepository, period: Period): Promise<Omit<AttentionItem, 'acknowledged' | 'owner'>[]> {
  const byPair = new Map<string, ReturnedModelSpan[]>();
  for (const s of await repo.returnedModelSpans(period)) {
    const k = `${s.app}\u0000${s.requestedModel}\u0000${s.model}`;
    byPair.set(k, [...(byPair.get(k) ?? []), s]);
  }
  const out: Omit<AttentionItem, 'acknowledged' | 'owner'>[] = [];
  for (const spans of byPair.values()) {
    const { app, requestedModel, model } = spans[0]!;
    // Each id once, in order of first appearance; the id in use just before the period comes first.
    const before = await repo.returnedModelBefore(app, requestedModel, model, period.from);
    const sequence = spans.filter((s) => s.returnedModel !== before).map((s) => ({ model: s.returnedModel, firstTs: s.firstTs as number | null }));
    if (before !== undefined) sequence.unshift({ model: before, firstTs: null });
    for (let i = 1; i < sequence.length; i++) {
      const from = sequence[i - 1]!.model;
      const to = sequence[i]!;
      if (from === to.model) continue;
      out.push({
        key: `model-change:${app}:${requestedModel}${model === requestedModel ? '' : `>${model}`}:${from}->${to.model}`, kind: 'model_version_change', severity: 'medium', app,
        since: to.firstTs === null ? null : iso(to.firstTs),
        message: `${app}: requests for ${model === requestedModel ? model : `${requestedModel} (sent as ${model})`} are now answered by ${to.model} (was ${from}) since ${to.firstTs === null ? '?' : iso(to.firstTs).slice(0, 16)}: check quality and cost`,
        details: { requestedModel, model, from, to: to.model },
      });
    }
  }
  return out;
}
