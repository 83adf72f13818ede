import { createHash } from 'node:crypto';
import type { Routing, Rule } from './schema.js';

/** What routing looks at: cheap facts about the request. */
export interface RouteInput {
  model: string;
  app: string;
  feature: string | null;
  task: string | null;
  /** A stable id for sticky splits (conversation or customer); random when absent. */
  stickyId: string | null;
  promptChars: number;
  hasTools: boolean;
  hasImages: boolean;
}

export interface RouteDecision {
  model: string;
  /** `rule:<name>` or `split:<name>:<model>`; null when the request went to the model asked for. */
  route: string | null;
}

function matches(rule: Rule, r: RouteInput, requested: string): boolean {
  const w = rule.when;
  if (w.task && (!r.task || !w.task.includes(r.task))) return false;
  if (w.app && !w.app.includes(r.app)) return false;
  if (w.feature && (!r.feature || !w.feature.includes(r.feature))) return false;
  if (w.model && !w.model.includes(requested) && !w.model.includes(r.model)) return false;
  const tokens = Math.ceil(r.promptChars / 4);
  if (w.minPromptTokens !== undefined && tokens < w.minPromptTokens) return false;
  if (w.maxPromptTokens !== undefined && tokens > w.maxPromptTokens) return false;
  if (w.hasTools !== undefined && w.hasTools !== r.hasTools) return false;
  if (w.hasImages !== undefined && w.hasImages !== r.hasImages) return false;
  return true;
}

/** A number in [0, 1) from an id, so one conversation stays on one side of a split. */
function unitHash(id: string): number {
  return createHash('sha1').update(id).digest().readUInt32BE(0) / 2 ** 32;
}

/** Applies aliases, then the first matching rule. */
export function routeRequest(r: RouteInput, routing: Routing, random: () => number = Math.random): RouteDecision {
  const aliased = routing.aliases[r.model] ?? r.model;
  for (const rule of routing.rules) {
    if (!matches(rule, r, aliased)) continue;
    if (rule.model) return { model: routing.aliases[rule.model] ?? rule.model, route: `rule:${rule.name}` };
    const variants = rule.split!;
    const total = variants.reduce((s, v) => s + v.weight, 0);
    let x = (r.stickyId ? unitHash(`${rule.name}:${r.stickyId}`) : random()) * total;
    for (const v of variants) {
      x -= v.weight;
      if (x < 0) return { model: routing.aliases[v.model] ?? v.model, route: `split:${rule.name}:${v.model}` };
    }
  }
  return { model: aliased, route: aliased !== r.model ? `alias:${r.model}` : null };
}

/** The models to try in order: the chosen one, then its fallback chain, at most `maxAttempts`. */
export function attemptChain(model: string, routing: Routing): string[] {
  return [model, ...(routing.fallbacks[model] ?? [])].slice(0, routing.maxAttempts);
}
