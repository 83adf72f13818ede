import { z } from 'zod';
import { GROUP_BY } from '../../ledger/types.js';
import { GatewayError } from '../errors.js';
import { describeZodError } from '../../util/validate.js';

const DAY = 86_400_000;

/** A date (`2026-11-01`), a timestamp (`2026-11-01T12:00:00Z`) or ms since the epoch. */
export const TimeParam = z.string().transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${s}` });
    return z.NEVER;
  }
  return ms;
});

export const UsageQuerySchema = z.object({
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  groupBy: z.enum(GROUP_BY).default('day'),
  app: z.string().optional(),
});

/** Parses URL search params with a schema; a bad value is a 400 naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw new GatewayError(400, 'invalid_request', describeZodError(parsed.error));
  return parsed.data;
}

/** The default window: the last 30 days up to now. */
export function timeRange(q: { from?: number; to?: number }, now = Date.now()): { from: number; to: number } {
  const to = q.to ?? now;
  return { from: q.from ?? to - 30 * DAY, to };
}
