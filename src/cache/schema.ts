import { z } from 'zod';

/** Per-app response-cache settings (the cache is opt-in). */
export const CachePolicySchema = z
  .object({
    /** Cache this app's completions without a per-request header. */
    enabled: z.boolean().default(false),
    ttlSeconds: z.number().int().positive().default(3600),
    /** Also cache requests whose answer varies (temperature > 0 or unset, n > 1). */
    nonDeterministic: z.boolean().default(false),
    /** Cache /v1/embeddings per input string. */
    embeddings: z.boolean().default(false),
  })
  .strict();
export type CachePolicy = z.infer<typeof CachePolicySchema>;
export const DEFAULT_CACHE_POLICY: CachePolicy = CachePolicySchema.parse({});
