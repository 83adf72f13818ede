import { z } from 'zod';

export const SCOPES = ['global', 'app', 'key', 'customer', 'feature', 'model'] as const;
export type Scope = (typeof SCOPES)[number];

export const TimeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone (e.g. UTC, Europe/Paris)');

export const BudgetSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ".", "_" or "-"'),
    scope: z.enum(SCOPES).default('global'),
    /** The scope's value (an app name, a customer id...). Omitted: every value gets its own budget. */
    match: z.string().min(1).optional(),
    limitUsd: z.number().positive(),
    period: z.enum(['day', 'week', 'month', 'rolling']).default('month'),
    /** Length of a rolling window, in hours (period: rolling). */
    windowHours: z.number().int().min(1).max(24 * 90).default(24),
    timeZone: TimeZoneSchema.default('UTC'),
    /** hard: refuse what does not fit; soft: only alert. */
    mode: z.enum(['hard', 'soft']).default('hard'),
    /** What a hard budget does with a request that does not fit. */
    onLimit: z.enum(['reject', 'downgrade', 'clamp']).default('reject'),
    /** The cheaper model used when onLimit is downgrade. */
    downgradeTo: z.string().optional(),
    /** Alert when spend crosses these shares of the limit. */
    alertAt: z.array(z.number().positive().max(10)).default([0.5, 0.8, 1]),
  })
  .strict()
  .refine((b) => b.onLimit !== 'downgrade' || b.downgradeTo, { message: 'onLimit: downgrade needs downgradeTo', path: ['downgradeTo'] });

export type Budget = z.infer<typeof BudgetSchema>;
export type BudgetInput = z.input<typeof BudgetSchema>;
