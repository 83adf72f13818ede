import type { Usage } from '../catalog/types.js';
import type { NanoUsd } from '../money/nano.js';

/** One request that reached the gateway: what it was, who made it, what it cost. */
export interface LedgerRow {
  id: string;
  /** Start of the request, ms since the epoch. */
  ts: number;
  app: string;
  keyId: string | null;
  feature: string | null;
  customer: string | null;
  conversation: string | null;
  user: string | null;
  tags: Record<string, string> | null;
  endpoint: string;
  provider: string;
  /** The model used (after routing); `requestedModel` is what the client asked for. */
  model: string;
  requestedModel: string;
  /** The model id the upstream says answered, when it told us. */
  returnedModel: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  usage: Usage;
  tokensIn: number;
  tokensOut: number;
  costNano: NanoUsd;
  /** What this request did not cost thanks to the cache or routing. */
  savedNano: NanoUsd;
  cache: 'hit' | 'miss' | null;
  /** True when usage (or part of it) was estimated because the provider never reported it. */
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  catalogVersion: string;
  route: string | null;
}

export const GROUP_BY = ['day', 'model', 'app', 'feature', 'customer', 'conversation', 'provider'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface UsageQuery {
  /** Inclusive start, ms since the epoch (rounded down to the UTC day). */
  from: number;
  /** Exclusive end, ms since the epoch (rounded up to the UTC day). */
  to: number;
  groupBy: GroupBy;
  app?: string;
}

export interface UsageGroup {
  key: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costNano: NanoUsd;
  savedNano: NanoUsd;
}

/** Columns a spend total can be filtered on (budget scopes). */
export type SpendColumn = 'app' | 'keyId' | 'customer' | 'feature' | 'model';

/** The usage ledger. Appends are in-memory and cheap; rows reach storage in batches. */
export interface LedgerStore {
  append(row: LedgerRow): void;
  /** Writes every queued row now. */
  flush(): Promise<void>;
  get(id: string): Promise<LedgerRow | undefined>;
  usage(query: UsageQuery): Promise<UsageGroup[]>;
  /** Spend since `from` by hour (hour index = floor(ts / 3,600,000)), optionally for one column value. */
  costByHour(from: number, filter?: { column: SpendColumn; value: string }): Promise<Map<number, number>>;
  /** Flushes and releases the storage. */
  close(): Promise<void>;
}
