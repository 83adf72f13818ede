import type { LedgerRow } from '../types.js';

/** The ledger table's columns, and rows to and from their SQLite form. */
export const COLUMNS = [
  'id', 'ts', 'app', 'key_id', 'feature', 'customer', 'conversation', 'user', 'tags', 'endpoint', 'provider',
  'model', 'requested_model', 'returned_model', 'stream', 'status', 'error_code', 'usage', 'tokens_in',
  'tokens_out', 'cost_nano', 'saved_nano', 'cache', 'estimated', 'latency_ms', 'ttft_ms', 'catalog_version', 'route',
  'prompt_cache_saved_nano', 'uses_tools', 'uses_images',
] as const;

export function toParams(r: LedgerRow): unknown[] {
  return [
    r.id, r.ts, r.app, r.keyId, r.feature, r.customer, r.conversation, r.user, r.tags ? JSON.stringify(r.tags) : null,
    r.endpoint, r.provider, r.model, r.requestedModel, r.returnedModel, r.stream ? 1 : 0, r.status, r.errorCode,
    JSON.stringify(r.usage), r.tokensIn, r.tokensOut, r.costNano, r.savedNano, r.cache, r.estimated ? 1 : 0,
    r.latencyMs, r.ttftMs, r.catalogVersion, r.route, r.promptCacheSavedNano,
    // Rows journaled or spooled by an older version lack the flags.
    r.usesTools === true ? 1 : 0, r.usesImages === true ? 1 : 0,
  ];
}

export type DbRow = Record<(typeof COLUMNS)[number], string | number | null>;

export function fromDb(d: DbRow): LedgerRow {
  return {
    id: d.id as string,
    ts: d.ts as number,
    app: d.app as string,
    keyId: d.key_id as string | null,
    feature: d.feature as string | null,
    customer: d.customer as string | null,
    conversation: d.conversation as string | null,
    user: d.user as string | null,
    tags: d.tags ? (JSON.parse(d.tags as string) as Record<string, string>) : null,
    endpoint: d.endpoint as string,
    provider: d.provider as string,
    model: d.model as string,
    requestedModel: d.requested_model as string,
    returnedModel: d.returned_model as string | null,
    stream: d.stream === 1,
    status: d.status as number,
    errorCode: d.error_code as string | null,
    usage: JSON.parse(d.usage as string) as LedgerRow['usage'],
    tokensIn: d.tokens_in as number,
    tokensOut: d.tokens_out as number,
    costNano: d.cost_nano as number,
    savedNano: d.saved_nano as number,
    cache: d.cache as LedgerRow['cache'],
    estimated: d.estimated === 1,
    latencyMs: d.latency_ms as number,
    ttftMs: d.ttft_ms as number | null,
    catalogVersion: d.catalog_version as string,
    route: d.route as string | null,
    promptCacheSavedNano: d.prompt_cache_saved_nano as number,
    usesTools: d.uses_tools === 1,
    usesImages: d.uses_images === 1,
  };
}
