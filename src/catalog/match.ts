import type { MatchLogic } from './types.js';

/** Evaluates genai-prices' model match rules (case-insensitive, like the package itself). */
export function matches(rule: MatchLogic, id: string): boolean {
  const lower = id.toLowerCase();
  if ('or' in rule) return rule.or.some((r) => matches(r, id));
  if ('and' in rule) return rule.and.every((r) => matches(r, id));
  if ('equals' in rule) return lower === rule.equals.toLowerCase();
  if ('starts_with' in rule) return lower.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return lower.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return lower.includes(rule.contains.toLowerCase());
  return new RegExp(rule.regex).test(id);
}
