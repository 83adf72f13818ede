/**
 * A value now, or a promise of it. The in-process counters answer at once and Redis with a promise:
 * the controls chain their steps with `andThen`/`all` below, so a gateway on in-process state runs them
 * without a promise or a turn of the microtask queue per step (~0.5 µs each under load).
 */
export type Maybe<T> = T | Promise<T>;

/** `f(value)`: at once when the value is there, else once it resolves (not named `then`: `import()` would take a module exporting `then` for a promise). */
export function andThen<T, R>(value: Maybe<T>, f: (v: T) => Maybe<R>): Maybe<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** The values, at once when none is a promise, else a promise of them all. */
export function all<T extends readonly unknown[]>(values: T): Maybe<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  for (const v of values) if (v instanceof Promise) return Promise.all(values) as Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }>;
  return values as unknown as { -readonly [K in keyof T]: Awaited<T[K]> };
}
