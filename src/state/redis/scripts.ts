import type { Redis } from 'ioredis';

export type ScriptArg = string | number | Buffer;
/** A Lua script callable as `fn(numKeys, ...keys, ...args)`. */
export type ScriptFn = (numKeys: number, ...args: ScriptArg[]) => Promise<unknown>;

/**
 * Registers `lua` on the client with ioredis `defineCommand`: it is sent once per connection, then
 * called by SHA (EVALSHA), and re-sent by itself after a NOSCRIPT (e.g. Redis restarted). The key
 * count is given per call because budget items have any number of counters.
 */
export function defineScript(client: Redis, name: string, lua: string): ScriptFn {
  client.defineCommand(name, { lua });
  const fn = (client as unknown as Record<string, ScriptFn>)[name];
  if (!fn) throw new Error(`could not define the Redis script ${name}`);
  return fn.bind(client);
}

/** Integer nano-USD (or tokens) for INCRBY: money is rounded up, never down. */
export function int(n: number): number {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  return Math.ceil(n);
}
