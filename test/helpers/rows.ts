import { randomUUID } from 'node:crypto';
import type { LedgerRow } from '../../src/ledger/types.js';

/** A ledger row with sensible defaults; override what the test is about. */
export function makeRow(over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id: randomUUID(),
    ts: Date.parse('2026-11-20T10:00:00Z'),
    app: 'support',
    keyId: 'key_1',
    feature: null,
    customer: null,
    conversation: null,
    user: null,
    tags: null,
    endpoint: 'openai-chat',
    provider: 'openai',
    model: 'gpt-4o-mini',
    requestedModel: 'gpt-4o-mini',
    returnedModel: null,
    stream: false,
    status: 200,
    errorCode: null,
    usage: { input: 100, output: 20 },
    tokensIn: 100,
    tokensOut: 20,
    costNano: 27_000,
    savedNano: 0,
    cache: null,
    estimated: false,
    latencyMs: 12.5,
    ttftMs: null,
    catalogVersion: 'test',
    route: null,
    promptCacheSavedNano: 0,
    usesTools: false,
    usesImages: false,
    ...over,
  };
}
