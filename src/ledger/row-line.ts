import type { LedgerRow } from './types.js';

/**
 * A ledger row as one line of text, for the journal and the writer thread: a JSON array of the
 * row's values in a fixed order. Without the field names, the text is half as long and
 * `JSON.stringify` takes ~1.4 µs instead of ~3.5 µs, on the gateway's event loop for every request.
 */
const FIELDS = [
  'id', 'ts', 'app', 'keyId', 'feature', 'customer', 'conversation', 'user', 'tags', 'endpoint', 'provider', 'model',
  'requestedModel', 'returnedModel', 'stream', 'status', 'errorCode', 'usage', 'tokensIn', 'tokensOut', 'costNano',
  'savedNano', 'promptCacheSavedNano', 'cache', 'estimated', 'latencyMs', 'ttftMs', 'catalogVersion', 'route',
  'usesTools', 'usesImages',
] as const satisfies readonly (keyof LedgerRow)[];

export function toLine(r: LedgerRow): string {
  return JSON.stringify([
    r.id, r.ts, r.app, r.keyId, r.feature, r.customer, r.conversation, r.user, r.tags, r.endpoint, r.provider, r.model,
    r.requestedModel, r.returnedModel, r.stream, r.status, r.errorCode, r.usage, r.tokensIn, r.tokensOut, r.costNano,
    r.savedNano, r.promptCacheSavedNano, r.cache, r.estimated, r.latencyMs, r.ttftMs, r.catalogVersion, r.route,
    r.usesTools, r.usesImages,
  ]);
}

/** The row of a line; also reads the object lines that journals of earlier versions hold. */
export function fromLine(line: string): LedgerRow {
  const parsed = JSON.parse(line) as unknown;
  if (!Array.isArray(parsed)) return parsed as LedgerRow;
  const row: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS.length; i++) row[FIELDS[i]!] = parsed[i];
  return row as unknown as LedgerRow;
}
