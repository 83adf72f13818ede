import type { Catalog } from '../catalog/catalog.js';
import type { ModelEntry } from '../catalog/types.js';
import { entryKey, isFirstParty, servesKind } from './candidates.js';

/**
 * A model id read as family + version + variant: `claude-sonnet-4-0` is (claude-sonnet-, [4, 0], ''),
 * `gpt-4o-mini` is (gpt-, [4], -mini) — the "o" right after the version is part of it — `gemini-2.5-flash`
 * is (gemini-, [2, 5], -flash), `o3-mini` is (o, [3], -mini).
 */
export interface ModelName {
  family: string;
  version: number[];
  variant: string;
}

const NAME = /^(.*?)(\d+(?:[.-]\d+)*)(o(?=$|-))?(.*)$/;

export function parseModelName(id: string): ModelName | undefined {
  const m = NAME.exec(id);
  if (!m) return undefined;
  // A date or snapshot number is not a version: 4-0709 keeps only the 4.
  const parts = m[2]!.split(/[.-]/).map(Number);
  const cut = parts.findIndex((n, i) => i > 0 && n >= 100);
  const version = cut === -1 ? parts : parts.slice(0, cut);
  const rest = cut === -1 ? '' : `-${m[2]!.split(/[.-]/).slice(cut).join('-')}`;
  return { family: m[1]!, version, variant: `${rest}${m[4]!}` };
}

export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface LifecycleFlag {
  model: string;
  /** provider/id in the catalog. */
  entry: string;
  deprecated: boolean;
  /** A newer model of the same family and variant, from the same provider, that costs no more per input and output token. */
  newerSibling: { entry: string; inputPerM: number; outputPerM: number } | null;
  currentPrice: { inputPerM: number; outputPerM: number };
  message: string;
}

/**
 * The lifecycle rule, kept simple: a model in use is flagged when the catalog marks it deprecated, or
 * when the same provider has a newer version of the same family and variant (parsed by
 * `parseModelName`) whose input and output rates are both ≤ the current ones. The newest such sibling
 * is suggested.
 */
export function lifecycleFlag(catalog: Catalog, model: string, at: Date): LifecycleFlag | undefined {
  const entry = catalog.tryResolve(model)?.entry;
  if (!entry) return undefined;
  const sibling = newerCheaperSibling(catalog, entry, at);
  if (!entry.deprecated && !sibling) return undefined;
  const rates = catalog.versionAt(entry, at).rates;
  const current = { inputPerM: rates.input ?? 0, outputPerM: rates.output ?? 0 };
  const parts = [];
  if (entry.deprecated) parts.push(`${model} is deprecated in the catalog`);
  if (sibling) parts.push(`${sibling.entry} is newer and costs no more ($${sibling.inputPerM}/$${sibling.outputPerM} per M in/out vs $${current.inputPerM}/$${current.outputPerM})`);
  return { model, entry: entryKey(entry), deprecated: entry.deprecated === true, newerSibling: sibling ?? null, currentPrice: current, message: parts.join('; ') };
}

function newerCheaperSibling(catalog: Catalog, entry: ModelEntry, at: Date): LifecycleFlag['newerSibling'] | undefined {
  const name = parseModelName(entry.id);
  const kind = servesKind(catalog, entry, at);
  if (!name || !kind) return undefined;
  const rates = catalog.versionAt(entry, at).rates;
  let best: { e: ModelEntry; v: number[] } | undefined;
  for (const e of catalog.list()) {
    if (e.provider !== entry.provider || e.id === entry.id || e.deprecated || !isFirstParty(e) || servesKind(catalog, e, at) !== kind) continue;
    const n = parseModelName(e.id);
    if (!n || n.family !== name.family || n.variant !== name.variant || compareVersions(n.version, name.version) <= 0) continue;
    const r = catalog.versionAt(e, at).rates;
    if ((r.input ?? Infinity) > (rates.input ?? 0) || (r.output ?? 0) > (rates.output ?? 0)) continue;
    if (entry.contextWindow && e.contextWindow !== undefined && e.contextWindow < entry.contextWindow) continue;
    if (!best || compareVersions(n.version, best.v) > 0) best = { e, v: n.version };
  }
  if (!best) return undefined;
  const r = catalog.versionAt(best.e, at).rates;
  return { entry: entryKey(best.e), inputPerM: r.input ?? 0, outputPerM: r.output ?? 0 };
}
