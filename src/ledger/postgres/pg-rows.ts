import type { LedgerRow } from '../types.js';

/**
 * The ledger's columns, their PostgreSQL array type (rows are sent column-wise through `unnest`, so a
 * batch of any size is one statement with one parameter per column, far below the 65,535-parameter
 * limit of a VALUES list) and how each is read from a LedgerRow.
 */
const COLUMNS: [column: string, type: string, get: (r: LedgerRow) => unknown][] = [
  ['id', 'text', (r) => r.id],
  ['ts', 'bigint', (r) => r.ts],
  ['app', 'text', (r) => r.app],
  ['key_id', 'text', (r) => r.keyId],
  ['feature', 'text', (r) => r.feature],
  ['customer', 'text', (r) => r.customer],
  ['conversation', 'text', (r) => r.conversation],
  ['"user"', 'text', (r) => r.user],
  // JSON travels as text and is cast to JSONB in the statement (pg has no jsonb[] serializer).
  ['tags', 'text', (r) => (r.tags ? JSON.stringify(r.tags) : null)],
  ['endpoint', 'text', (r) => r.endpoint],
  ['provider', 'text', (r) => r.provider],
  ['model', 'text', (r) => r.model],
  ['requested_model', 'text', (r) => r.requestedModel],
  ['returned_model', 'text', (r) => r.returnedModel],
  ['stream', 'boolean', (r) => r.stream],
  ['status', 'integer', (r) => r.status],
  ['error_code', 'text', (r) => r.errorCode],
  ['usage', 'text', (r) => JSON.stringify(r.usage)],
  ['tokens_in', 'bigint', (r) => r.tokensIn],
  ['tokens_out', 'bigint', (r) => r.tokensOut],
  ['cost_nano', 'bigint', (r) => r.costNano],
  ['saved_nano', 'bigint', (r) => r.savedNano],
  ['prompt_cache_saved_nano', 'bigint', (r) => r.promptCacheSavedNano],
  ['cache', 'text', (r) => r.cache],
  ['estimated', 'boolean', (r) => r.estimated],
  ['latency_ms', 'double precision', (r) => r.latencyMs],
  ['ttft_ms', 'double precision', (r) => r.ttftMs],
  ['catalog_version', 'text', (r) => r.catalogVersion],
  ['route', 'text', (r) => r.route],
  // Rows spooled or journaled by an older version lack the flags.
  ['uses_tools', 'boolean', (r) => r.usesTools === true],
  ['uses_images', 'boolean', (r) => r.usesImages === true],
];

const JSON_COLUMNS = new Set(['tags', 'usage']);

/** The column list for SELECTs that read whole rows back (`fromPg`). */
export const SELECT_COLUMNS = COLUMNS.map(([c]) => c).join(', ');

/**
 * Inserts a batch and returns the (id, ts) of the rows that were new: a row already stored (a retried
 * batch, a replayed spool) is skipped, and only returned rows are rolled up, so nothing counts twice.
 */
export const INSERT_SQL = `INSERT INTO ledger (${SELECT_COLUMNS})
  SELECT ${COLUMNS.map(([c], i) => (JSON_COLUMNS.has(c) ? `c${i}::jsonb` : `c${i}`)).join(', ')}
  FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')}) AS t(${COLUMNS.map((_, i) => `c${i}`).join(', ')})
  ON CONFLICT (id, ts) DO NOTHING
  RETURNING id, ts`;

/** One array per column, in COLUMNS order. */
export function toColumns(rows: LedgerRow[]): unknown[][] {
  return COLUMNS.map(([, , get]) => rows.map(get));
}

/** A row as the pool returns it (BIGINT and NUMERIC parsed to numbers, JSONB to objects: see pg-ledger.ts). */
export type PgRow = Record<string, unknown>;

export function fromPg(d: PgRow): LedgerRow {
  return {
    id: d.id as string,
    ts: d.ts as number,
    app: d.app as string,
    keyId: d.key_id as string | null,
    feature: d.feature as string | null,
    customer: d.customer as string | null,
    conversation: d.conversation as string | null,
    user: d.user as string | null,
    tags: d.tags as Record<string, string> | null,
    endpoint: d.endpoint as string,
    provider: d.provider as string,
    model: d.model as string,
    requestedModel: d.requested_model as string,
    returnedModel: d.returned_model as string | null,
    stream: d.stream as boolean,
    status: d.status as number,
    errorCode: d.error_code as string | null,
    usage: d.usage as LedgerRow['usage'],
    tokensIn: d.tokens_in as number,
    tokensOut: d.tokens_out as number,
    costNano: d.cost_nano as number,
    savedNano: d.saved_nano as number,
    cache: d.cache as LedgerRow['cache'],
    estimated: d.estimated as boolean,
    latencyMs: d.latency_ms as number,
    ttftMs: d.ttft_ms as number | null,
    catalogVersion: d.catalog_version as string,
    route: d.route as string | null,
    promptCacheSavedNano: d.prompt_cache_saved_nano as number,
    usesTools: d.uses_tools === true,
    usesImages: d.uses_images === true,
  };
}
