import { digest } from '../util/digest.js';
import type { Maybe } from '../util/maybe.js';
import type { ServerResponse } from 'node:http';
import { nanoToDecimal } from '../money/format.js';
import { GatewayError } from './errors.js';
import { buildRow, type MeterInput } from './meter.js';
import { record, type GatewayDeps, type RequestContext } from './pipeline.js';
import { readBuffered } from './relay.js';
import { reserveBudget } from './spend-controls.js';
import { resolveTarget } from './target.js';

interface CachedVector {
  embedding: number[] | string;
  tokens: number;
}

/**
 * The embeddings cache, the "partial caching" of RAG: each input string is cached on its own, so a
 * batch of 100 with 3 new strings sends only those 3 upstream and the answer is reassembled in order.
 */
export async function handleEmbeddingsWithCache(
  res: ServerResponse,
  ctx: RequestContext,
  model: string,
  ttlSeconds: number,
  /** Counts the request against the loop breaker: only when it goes upstream. */
  countUpstream: () => Maybe<void>,
  deps: GatewayDeps,
): Promise<void> {
  const { body } = ctx;
  const single = typeof body.input === 'string';
  const inputs = single ? [body.input as string] : body.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
    throw new GatewayError(400, 'invalid_request', '"input" must be a string or an array of strings to use the embeddings cache');
  }
  const target = resolveTarget(model, deps.upstreams, deps.catalog, ctx.appSettings);
  const variant = `${target.upstream.name}:${target.model}:${String(body.dimensions ?? '')}:${String(body.encoding_format ?? 'float')}`;
  const keyOf = (text: string) => `ec:${ctx.app}:${variant}:${digest('sha256', text, 'base64url')}`;

  const found: (CachedVector | undefined)[] = await Promise.all(
    (inputs as string[]).map(async (text) => {
      const hit = await deps.cache.get(keyOf(text));
      return hit ? (JSON.parse(hit.toString('utf8')) as CachedVector) : undefined;
    }),
  );
  const missing = found.flatMap((v, i) => (v ? [] : [i]));
  const cachedTokens = found.reduce((s, v) => s + (v?.tokens ?? 0), 0);
  const savedNano = target.entry ? deps.catalog.price(target.entry, { input: cachedTokens }).costNano : 0;
  const meterBase: MeterInput = {
    id: ctx.id, ts: ctx.now, app: ctx.app, keyId: ctx.keyId, attribution: ctx.attribution, endpoint: ctx.dialect,
    provider: target.upstream.name, model: target.model, requestedModel: ctx.requestedModel, entry: target.entry,
    stream: false, body, route: ctx.route, needs: ctx.needs,
  };

  if (missing.length > 0) {
    await countUpstream();
    const upstreamBody = { ...body, model: target.model, input: missing.map((i) => (inputs as string[])[i]!) };
    const admitted = await reserveBudget(deps, ctx.dialect, ctx.appSettings, upstreamBody, { app: ctx.app, keyId: ctx.keyId, customer: ctx.attribution.customer, feature: ctx.attribution.feature }, target, Date.now());
    const sent = await deps.forwarder.send(target.upstream, ctx.dialect, target.model, upstreamBody, JSON.stringify(upstreamBody), {});
    const { outcome, raw } = await readBuffered(sent, ctx.dialect, target.upstream.name, ctx.started);
    const row = await record({ ...meterBase, body: upstreamBody }, { ...outcome, cache: 'miss', savedNano }, admitted, ctx.appSettings, deps);
    if (sent.status !== 200) {
      res.writeHead(sent.status, { ...ctx.headers, ...sent.headers, 'content-length': raw.length });
      res.end(raw);
      return;
    }
    const data = (JSON.parse(raw.toString('utf8')) as { data: { index: number; embedding: number[] | string }[] }).data;
    for (const item of data) {
      const at = missing[item.index]!;
      const text = (inputs as string[])[at]!;
      const vector: CachedVector = { embedding: item.embedding, tokens: deps.counter.countText(text, target.model).tokens };
      found[at] = vector;
      await deps.cache.set(keyOf(text), Buffer.from(JSON.stringify(vector)), ttlSeconds * 1000);
    }
    return answer(res, target.model, found, { ...ctx.headers, ...admitted.headers, 'x-burnrate-cache': 'miss', 'x-burnrate-cost-usd': nanoToDecimal(row.costNano) });
  }

  const row = buildRow(meterBase, { status: 200, errorCode: null, reported: { input: cachedTokens }, complete: true, outputText: '', returnedModel: null, latencyMs: performance.now() - ctx.started, ttftMs: null, cache: 'hit', savedNano }, deps.catalog, deps.counter);
  deps.ledger.append(row);
  await deps.ledger.journaled?.();
  answer(res, target.model, found, { ...ctx.headers, 'x-burnrate-cache': 'hit', 'x-burnrate-cost-usd': '0' });
}

function answer(res: ServerResponse, model: string, vectors: (CachedVector | undefined)[], headers: Record<string, string>): void {
  const tokens = vectors.reduce((s, v) => s + (v?.tokens ?? 0), 0);
  const body = JSON.stringify({
    object: 'list',
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: v!.embedding })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-burnrate-model': model, ...headers });
  res.end(body);
}
