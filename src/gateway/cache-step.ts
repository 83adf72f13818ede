import type { ServerResponse } from 'node:http';
import { decodeAnswer, encodeAnswer } from '../cache/index.js';
import type { LedgerRow } from '../ledger/types.js';
import type { CacheStore } from '../state/types.js';
import { buildRow } from './meter.js';
import type { GatewayDeps, RequestContext } from './pipeline.js';

/**
 * Answers from the response cache when it can: the exact bytes the first client got (a stream is
 * replayed as the same stream), $0, and a ledger row whose saving is what the first call cost.
 */
export async function answerFromCache(res: ServerResponse, ctx: RequestContext, key: string, deps: GatewayDeps): Promise<boolean> {
  const stored = await deps.cache.get(key);
  if (!stored) return false;
  const answer = decodeAnswer(stored);
  const row = buildRow(
    {
      id: ctx.id, ts: ctx.now, app: ctx.app, keyId: ctx.keyId, attribution: ctx.attribution, endpoint: ctx.dialect,
      provider: 'cache', model: answer.model, requestedModel: ctx.requestedModel, entry: deps.catalog.tryResolve(answer.model)?.entry, stream: ctx.stream,
      body: ctx.body, route: ctx.route, needs: ctx.needs,
    },
    {
      status: answer.status, errorCode: null, reported: answer.usage, complete: true, outputText: '', returnedModel: null,
      latencyMs: performance.now() - ctx.started, ttftMs: null, cache: 'hit', savedNano: answer.costNano,
    },
    deps.catalog,
    deps.counter,
  );
  deps.ledger.append(row);
  deps.metrics.record(row.app, row.model, row.status, 0, 0, 0, row.latencyMs / 1000);
  await deps.ledger.journaled?.();
  res.writeHead(answer.status, {
    ...ctx.headers,
    'content-type': answer.contentType,
    'content-length': answer.body.length,
    'x-burnrate-cache': 'hit',
    'x-burnrate-cost-usd': '0',
    'x-burnrate-model': answer.model,
  });
  res.end(answer.body);
  return true;
}

export async function storeAnswer(cache: CacheStore, key: string, ttlSeconds: number, contentType: string, body: Buffer, row: LedgerRow): Promise<void> {
  await cache.set(key, encodeAnswer({ status: 200, contentType, body, usage: row.usage, costNano: row.costNano, model: row.model }), ttlSeconds * 1000);
}
