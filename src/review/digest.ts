import { addDays, dayOf, projectMonth, savingsSummary, trends, type MonthProjection } from '../analytics/index.js';
import type { Config } from '../config/schema.js';
import type { BudgetStatus } from '../controls/budget-guard.js';
import type { LedgerQueries } from '../ledger/types.js';
import { formatUsd } from '../money/format.js';
import type { AttentionItem, StatusReport } from './attention.js';
import type { ModelReview } from './model-review.js';

export interface Digest {
  generatedAt: string;
  week: { from: string; to: string };
  spend: { thisWeekUsd: number; lastWeekUsd: number; change: number | null };
  projection: MonthProjection;
  budgets: { id: string; scope: string; value: string; limitUsd: number; spentUsd: number; projectedUsd: number; usedShare: number; overProjected: boolean }[];
  topChanges: { dimension: string; key: string; currentUsd: number; previousUsd: number; deltaUsd: number }[];
  savings: Awaited<ReturnType<typeof savingsSummary>>;
  /** The review's best recommendations (dollars per month), with its caveat. */
  opportunities: { app: string; feature: string | null; currentModel: string; switchTo: string; via: string; savingsMonthlyUsd: number }[];
  attention: { owner: string | null; apps: string[]; items: AttentionItem[] }[];
}

export interface DigestInput {
  queries: LedgerQueries;
  config: Pick<Config, 'apps'>;
  budgets: BudgetStatus[];
  status: StatusReport;
  review: ModelReview;
  now?: number;
}

/** The weekly digest: spend vs last week, month-end projection vs budgets, what moved, savings, and open items per owner. */
export async function buildDigest(input: DigestInput): Promise<Digest> {
  const now = input.now ?? Date.now();
  const today = dayOf(now);
  const t = await trends(input.queries, now, {});
  const projection = await projectMonth(input.queries, now, {});
  const byOwner = new Map<string, Digest['attention'][number]>();
  for (const item of input.status.items) {
    const k = item.owner ?? '';
    let group = byOwner.get(k);
    if (!group) {
      group = { owner: item.owner, apps: [], items: [] };
      byOwner.set(k, group);
    }
    if (item.app && !group.apps.includes(item.app)) group.apps.push(item.app);
    group.items.push(item);
  }
  return {
    generatedAt: new Date(now).toISOString(),
    week: { from: addDays(today, -7), to: today },
    spend: { thisWeekUsd: t.weekOverWeek.currentUsd, lastWeekUsd: t.weekOverWeek.previousUsd, change: t.weekOverWeek.change },
    projection,
    budgets: input.budgets.map((b) => ({
      id: b.id, scope: b.scope, value: b.value, limitUsd: b.limitUsd, spentUsd: b.spentUsd, projectedUsd: b.projectedUsd, usedShare: b.usedShare, overProjected: b.projectedUsd > b.limitUsd,
    })),
    topChanges: t.drivers.filter((d) => d.deltaUsd !== 0).slice(0, 5),
    savings: await savingsSummary(input.queries, addDays(today, -7), today),
    opportunities: bestPerGroup(input.review.recommendations).slice(0, 3).map((r) => ({
      app: r.app, feature: r.feature, currentModel: r.currentModel, switchTo: r.switchTo, via: r.via, savingsMonthlyUsd: r.savingsMonthlyUsd,
    })),
    attention: [...byOwner.values()].sort((a, b) => (a.owner ?? '\uffff').localeCompare(b.owner ?? '\uffff')),
  };
}

/** The biggest saving of each app and feature (recommendations come sorted by saving). */
function bestPerGroup(recs: ModelReview['recommendations']): ModelReview['recommendations'] {
  const seen = new Set<string>();
  return recs.filter((r) => {
    const k = `${r.app}\u0000${r.feature ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${Math.round(x * 100)} %`);

/** The digest as plain text (Slack-compatible: no markup beyond line breaks and `*bold*`). */
export function digestText(d: Digest, owner?: Digest['attention'][number]): string {
  const lines = [
    `*Burnrate weekly digest* (${d.week.from} – ${d.week.to})`,
    `Spend: ${formatUsd(d.spend.thisWeekUsd)} this week vs ${formatUsd(d.spend.lastWeekUsd)} last week (${pct(d.spend.change)})`,
    `Month-end projection: ${formatUsd(d.projection.expectedUsd)} (range ${formatUsd(d.projection.lowUsd)}–${formatUsd(d.projection.highUsd)}), ${formatUsd(d.projection.spentUsd)} spent so far`,
  ];
  for (const b of d.budgets) {
    lines.push(`Budget ${b.id}${b.scope === 'global' ? '' : ` (${b.scope} ${b.value})`}: ${formatUsd(b.spentUsd)} of ${formatUsd(b.limitUsd)} (${Math.round(b.usedShare * 100)} %), projected ${formatUsd(b.projectedUsd)}${b.overProjected ? ' — OVER' : ''}`);
  }
  if (d.topChanges.length) {
    lines.push('Top changes vs last week:');
    for (const c of d.topChanges) lines.push(`  • ${c.dimension} ${c.key}: ${c.deltaUsd >= 0 ? '+' : '-'}${formatUsd(Math.abs(c.deltaUsd))} (${formatUsd(c.previousUsd)} → ${formatUsd(c.currentUsd)})`);
  }
  lines.push(`Saved this week: ${formatUsd(d.savings.totalUsd)} (response cache ${formatUsd(d.savings.responseCacheUsd)}, prompt caching ${formatUsd(d.savings.promptCacheUsd)}, routing ${formatUsd(d.savings.routingUsd)})`);
  if (d.opportunities.length) {
    lines.push('Could save (cheaper is not as good: test before switching):');
    for (const o of d.opportunities) lines.push(`  • ${o.app}${o.feature ? `/${o.feature}` : ''}: ${o.currentModel} → ${o.via === 'batch' ? 'batch API' : o.switchTo}, ~${formatUsd(o.savingsMonthlyUsd)}/month`);
  }
  const groups = owner ? [owner] : d.attention;
  const open = groups.reduce((s, g) => s + g.items.length, 0);
  lines.push(open ? `Needs attention (${open}):` : 'Nothing needs attention.');
  for (const g of groups) {
    if (!owner) lines.push(`  ${g.owner ?? 'no owner'}:`);
    for (const i of g.items.slice(0, 10)) lines.push(`  • [${i.severity}] ${i.message}`);
    if (g.items.length > 10) lines.push(`  • … and ${g.items.length - 10} more (burnrate status)`);
  }
  return lines.join('\n');
}

export type Poster = (url: string, body: string) => Promise<void>;

export async function postJson(url: string, body: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}

/**
 * Posts each owner with a webhook their digest (`{ text }`: the summary plus their own items); returns
 * what was sent and what failed. Webhook URLs are secrets (Slack's are): results name only the host.
 */
export async function sendDigest(d: Digest, config: Pick<Config, 'apps'>, post: Poster = postJson): Promise<{ owner: string; webhookHost: string; ok: boolean; error?: string }[]> {
  const owners = new Map<string, { name: string; webhook: string }>();
  for (const settings of Object.values(config.apps)) {
    if (settings.owner?.webhook) owners.set(settings.owner.webhook, { name: settings.owner.name, webhook: settings.owner.webhook });
  }
  const results = [];
  for (const o of owners.values()) {
    const own = d.attention.find((g) => g.owner === o.name) ?? { owner: o.name, apps: [], items: [] };
    const webhookHost = new URL(o.webhook).host;
    try {
      await post(o.webhook, JSON.stringify({ text: digestText(d, own) }));
      results.push({ owner: o.name, webhookHost, ok: true });
    } catch (err) {
      results.push({ owner: o.name, webhookHost, ok: false, error: (err as Error).message });
    }
  }
  return results;
}
