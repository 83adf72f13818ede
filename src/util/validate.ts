import type { z } from 'zod';

/** A validation failure with a one-line, path-naming message suitable for a CLI or an API error. */
export class ValidationError extends Error {
  override name = 'ValidationError';
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`)
    .join('; ');
}

/** Parses `data` with `schema`, or throws a ValidationError prefixed with `label`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, label: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ValidationError(`${label}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
