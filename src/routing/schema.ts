import { z } from 'zod';

const list = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** What a request must look like for a rule to apply; every condition given must hold. */
const WhenSchema = z
  .object({
    /** `x-burnrate-task` header values, e.g. [classify, route, extract]. */
    task: list.optional(),
    app: list.optional(),
    feature: list.optional(),
    /** The model (or alias) the client asked for. */
    model: list.optional(),
    /** Prompt size bounds, in tokens estimated as characters / 4 (cheap enough for every request). */
    minPromptTokens: z.number().int().nonnegative().optional(),
    maxPromptTokens: z.number().int().positive().optional(),
    hasTools: z.boolean().optional(),
    hasImages: z.boolean().optional(),
  })
  .strict();

const VariantSchema = z.object({ model: z.string().min(1), weight: z.number().positive() }).strict();

export const RuleSchema = z
  .object({
    name: z.string().min(1),
    when: WhenSchema.default({}),
    /** Send matching requests to this model... */
    model: z.string().min(1).optional(),
    /** ...or split them between models by weight (an A/B test), recorded on each row. */
    split: z.array(VariantSchema).min(2).optional(),
  })
  .strict()
  .refine((r) => (r.model ? 1 : 0) + (r.split ? 1 : 0) === 1, { message: 'a rule needs exactly one of model or split' });

export const RoutingSchema = z
  .object({
    /** Model aliases clients can ask for: `fast: gpt-4o-mini`. */
    aliases: z.record(z.string(), z.string()).default({}),
    /** First matching rule wins. */
    rules: z.array(RuleSchema).default([]),
    /** On an upstream 429, 5xx or timeout, try the next model of the chain: `gpt-4o: [claude-sonnet-4-5]`. */
    fallbacks: z.record(z.string(), z.array(z.string())).default({}),
    /** Attempts in all, the first included. */
    maxAttempts: z.number().int().min(1).max(5).default(3),
    /** No new attempt starts after this long since the request arrived. */
    deadlineMs: z.number().int().positive().default(60_000),
  })
  .strict();

export type Routing = z.infer<typeof RoutingSchema>;
export type Rule = z.infer<typeof RuleSchema>;
