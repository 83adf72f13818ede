import { z } from 'zod';

export const RateLimitSchema = z
  .object({
    scope: z.enum(['key', 'app', 'customer']),
    /** The scope's value; omitted: every key / app / customer separately. */
    match: z.string().optional(),
    requestsPerMinute: z.number().int().positive().optional(),
    tokensPerMinute: z.number().int().positive().optional(),
    usdPerHour: z.number().positive().optional(),
  })
  .strict();
export type RateLimit = z.infer<typeof RateLimitSchema>;

export const LoopBreakerSchema = z
  .object({
    /** The same request (same key, same normalised body) more than this many times in the window trips. */
    maxRepeats: z.number().int().positive().default(20),
    windowSeconds: z.number().positive().default(60),
    /** This many upstream errors in a row from one key, within the window, trip the key. */
    maxConsecutiveErrors: z.number().int().positive().default(15),
    cooldownSeconds: z.number().positive().default(300),
    enabled: z.boolean().default(true),
  })
  .strict();
export type LoopBreakerSettings = z.infer<typeof LoopBreakerSchema>;
export const DEFAULT_LOOP_BREAKER: LoopBreakerSettings = LoopBreakerSchema.parse({});
