import type { LedgerRow } from './types.js';

/** The order of a line's values: `toLine` writes them in this order, `fromLine` names them back. */
const FIELDS = [
  'id', 'ts', 'app', 'keyId', 'feature', 'customer', 'conversation', 'user', 'tags', 'endpoint', 'provider', 'model',
  'requestedModel', 'returnedModel', 'stream', 'status', 'errorCode', 'usage', 'tokensIn', 'tokensOut', 'costNano',
  'savedNano', 'promptCacheSavedNano', 'cache', 'estimated', 'latencyMs', 'ttftMs', 'catalogVersion', 'route',
  'usesTools', 'usesImages',
] as const satisfies readonly (keyof LedgerRow)[];

/**
 * A ledger row as one line of text, for the journal and the writer thread: a JSON array of its values
 * in the order of FIELDS. Without the field names the text is half as long, and `JSON.stringify` runs
 * on the gateway's event loop for every request: ~1.4 instead of ~3.5 µs in a loop, ~5 instead of ~7 µs
 * in the gateway under load (`--cpu-prof`). Written out field by field: mapping over FIELDS was 2× slower.
 */
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
