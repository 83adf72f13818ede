import type { MonthCost } from './month.js';

/**
 * Month `month` (1-based) of a case: traffic-driven items compound with its growth, fixed ones don't.
 * Items are rounded to whole nano-dollars, like the first month's, so month 1 matches it exactly.
 */
export function monthAt(c: MonthCost, month: number): { items: { id: string; nano: number }[]; totalNano: number } {
  const factor = (1 + c.growth) ** (month - 1);
  const items = c.items.map((i) => ({ id: i.id, nano: Math.round(i.traffic ? i.nano * factor : i.nano) }));
  return { items, totalNano: items.reduce((s, i) => s + i.nano, 0) };
}

/** What a provider bills per token: model calls plus embeddings. This is what a spend cap meters. */
export const isTokenSpend = (id: string) => id === 'api' || id === 'embeddings';

function tokenSpendNano(items: { id: string; nano: number }[]): number {
  return items.reduce((s, i) => (isTokenSpend(i.id) ? s + i.nano : s), 0);
}

export interface ProjectionMonthNano {
  month: number;
  interactions: number;
  apiNano: number;
  totalNano: number;
  totalLowNano: number;
  totalHighNano: number;
  /** The high case's token spend this month × the safety factor. */
  budgetNano: number;
}

export function project(
  cases: { low: MonthCost; expected: MonthCost; high: MonthCost },
  safetyFactor: number,
  months = 12,
): ProjectionMonthNano[] {
  return Array.from({ length: months }, (_, k) => {
    const month = k + 1;
    const expected = monthAt(cases.expected, month);
    const high = monthAt(cases.high, month);
    return {
      month,
      interactions: cases.expected.interactions * (1 + cases.expected.growth) ** k,
      apiNano: expected.items.find((i) => i.id === 'api')!.nano,
      totalNano: expected.totalNano,
      totalLowNano: monthAt(cases.low, month).totalNano,
      totalHighNano: high.totalNano,
      budgetNano: tokenSpendNano(high.items) * safetyFactor,
    };
  });
}
