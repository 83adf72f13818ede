import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_CACHE_POLICY, cacheMode, responseCacheKey, type CacheMode } from '../cache/index.js';
import type { Catalog } from '../catalog/index.js';
import { DEFAULT_APP_SETTINGS, type AppSettings, type Config } from '../config/schema.js';
import { bodyTagOf, type BudgetStore } from '../controls/index.js';
import type { KeyStore } from '../keys/index.js';
import type { LedgerRow, LedgerStore } from '../ledger/types.js';
import { nanoToDecimal } from '../money/format.js';
import { attemptChain, routeRequest } from '../routing/index.js';
import type { CacheStore } from '../state/types.js';
import type { TokenCounter } from '../tokens/index.js';
import { attribute, type Attribution } from './attribution.js';
import { answerFromCache, storeAnswer } from './cache-step.js';
import { handleEmbeddingsWithCache } from './embeddings-step.js';
import { errorBody, GatewayError, unavailableError } from './errors.js';
import type { Forwarder, SentRequest } from './forward.js';
import { buildRow, type MeterInput, type Outcome } from './meter.js';
import type { GatewayMetrics } from './metrics.js';
import type { Dialect, UpstreamConfig } from './providers/types.js';
import { readBuffered, relayStream } from './relay.js';
import { withIncludeUsage } from './providers/openai/usage-chunk-filter.js';
import { authenticate, bodyFacts, header, readRequestBody, requestNeeds, type RequestNeeds } from './request.js';
import { checkLimits, countRepeat, reserveBudget, settle, type Admitted, type ControlDeps } from './spend-controls.js';
import { resolveTarget } from './target.js';
import { requestId } from '../util/request-id.js';
import { andThen, type Maybe } from '../util/maybe.js';
import { digest } from '../util/digest.js';
import type { ReviewSampler } from './review-sampler.js';

export interface GatewayDeps extends ControlDeps {
  config: Config;
  catalog: Catalog;
  counter: TokenCounter;
  keys: KeyStore;
  ledger: LedgerStore;
  forwarder: Forwarder;
  metrics: GatewayMetrics;
  upstreams: UpstreamConfig[];
  budgetStore: BudgetStore;
  cache: CacheStore;
  /** The sampled review queue (apps with `storeContent`). */
  reviewSamples?: ReviewSampler;
}

/** What every step knows about the request once it is authenticated and parsed. */
export interface RequestContext {
  id: string;
  started: number;
  now: number;
  dialect: Dialect;
  app: string;
  appSettings: AppSettings;
  keyId: string;
  attribution: Attribution;
  requestedModel: string;
  body: Record<string, unknown>;
  /** The bytes the client sent: forwarded as they are when nothing in the body had to change. */
  raw: Buffer;
  stream: boolean;
  route: string | null;
  needs: RequestNeeds;
  /**
   * Headers every answer carries, decided before there is one (request id, rate limits, cache miss).
   * Kept here, not set with `res.setHeader`: a single `setHeader` puts Node's `writeHead` on its slow
   * path, which validates and lower-cases every header of the answer once more and stores each as an
   * array (~12k instructions a request with 11 headers, callgrind).
   */
  headers: Record<string, string>;
}

const CACHEABLE: ReadonlySet<Dialect> = new Set(['openai-chat', 'openai-responses', 'anthropic-messages']);
const RETRYABLE = (status: number) => status === 429 || status >= 500;

/**
 * One proxied request, top to bottom:
 * authenticate → parse → attribute → loop breaker, rate limits → route (pick model) → cache lookup
 * → for each model of the fallback chain: reserve budget (worst case) → forward → stream or buffer
 * the answer while reading usage → price → record in the ledger (queued) → settle → cost headers.
 */
export async function handleProxy(req: IncomingMessage, res: ServerResponse, dialect: Dialect, deps: GatewayDeps): Promise<void> {
  const started = performance.now();
  const id = requestId();
  const headers: Record<string, string> = { 'x-burnrate-request-id': id };
  let appName: string | undefined;
  try {
    const known = authenticate(req, deps.keys);
    const key = known instanceof Promise ? await known : known;
    appName = key.app;
    const { body, raw } = await readRequestBody(req, deps.config.maxBodyBytes);
    const appSettings = deps.config.apps[key.app] ?? DEFAULT_APP_SETTINGS;
    const attribution = attribute(req.headers, body);
    const ctx: RequestContext = {
      id, started, now: Date.now(), dialect, app: key.app, appSettings, keyId: key.id, attribution,
      requestedModel: body.model, body, raw, stream: body.stream === true, route: null, needs: requestNeeds(body), headers,
    };
    const subject = { app: key.app, keyId: key.id, customer: attribution.customer, feature: attribution.feature };
    let hash: string | undefined;
    let tag: string | undefined;
    // The cache keys answers by the body's SHA-1, computed only when the cache is on.
    const bodyHash = () => (hash ??= digest('sha1', raw, 'base64url'));
    // The loop breaker tells requests apart by their bytes (see `bodyTagOf`), only when it is on.
    const bodyTag = () => (tag ??= bodyTagOf(raw));
    // The controls answer at once on in-process counters (and when none applies): awaited only when
    // they return a promise (Redis), as each await is a turn of the microtask queue. The rate-limit
    // headers join the answer's headers now, so that every answer carries them, cache hits too.
    const limits = checkLimits(deps, appSettings, key.id, bodyTag, subject, ctx.now);
    const rateHeaders = limits instanceof Promise ? await limits : limits;
    for (const name in rateHeaders) headers[name] = rateHeaders[name]!;

    const routing = deps.config.routing;
    const decision = routeRequest(
      {
        model: body.model, app: key.app, feature: attribution.feature, task: header(req, 'x-burnrate-task') ?? null,
        stickyId: attribution.conversation ?? attribution.customer,
        ...(routing.rules.length ? bodyFacts(body, ctx.needs) : { promptChars: 0, hasTools: false, hasImages: false }),
      },
      routing,
    );
    ctx.route = decision.route;

    const policy = appSettings.cache ?? DEFAULT_CACHE_POLICY;
    const cacheHeader = header(req, 'x-burnrate-cache');
    if (dialect === 'openai-embeddings' && (cacheHeader === 'on' || (policy.embeddings && cacheHeader !== 'off'))) {
      const countUpstream = () => countRepeat(deps, appSettings, key.id, key.app, bodyTag, ctx.now);
      return await handleEmbeddingsWithCache(res, ctx, decision.model, policy.ttlSeconds, countUpstream, deps);
    }
    const mode: CacheMode = CACHEABLE.has(dialect) ? cacheMode(body, policy, cacheHeader) : 'off';
    const cacheKey = mode === 'off' ? undefined : responseCacheKey(key.app, dialect, body, decision.model, bodyHash());
    if (cacheKey && mode === 'lookup' && (await answerFromCache(res, ctx, cacheKey, deps))) return;
    if (cacheKey) headers['x-burnrate-cache'] = 'miss';
    const counting = countRepeat(deps, appSettings, key.id, key.app, bodyTag, ctx.now);
    if (counting instanceof Promise) await counting;

    await forwardWithFallbacks(req, res, ctx, decision.model, subject, cacheKey, policy.ttlSeconds, deps);
  } catch (err) {
    const gatewayError = err instanceof GatewayError ? err : (unavailableError(err) ?? new GatewayError(500, 'internal_error', 'internal error'));
    if (gatewayError.code === 'service_unavailable') logUnavailable(err);
    else if (!(err instanceof GatewayError)) console.error(`burnrate: ${id}: ${(err as Error).stack ?? String(err)}`);
    if (gatewayError.code === 'unknown_model' && appName) {
      const model = String(gatewayError.details?.model ?? '?');
      deps.alerts.raise('unknown_model', `unknown:${appName}:${model}:${new Date().toISOString().slice(0, 10)}`, `app ${appName} asked for unknown model "${model}" (refused: it has no price)`, { app: appName, model });
    }
    sendError(res, dialect, gatewayError, headers);
  }
}

/**
 * Tries the routed model, then its fallbacks on an upstream 429, 5xx or timeout, within the attempt
 * limit and the deadline. Every attempt reserves budget and is recorded in the ledger.
 */
async function forwardWithFallbacks(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  routedModel: string,
  subject: { app: string; keyId: string; customer: string | null; feature: string | null },
  cacheKey: string | undefined,
  ttlSeconds: number,
  deps: GatewayDeps,
): Promise<void> {
  const { body, dialect } = ctx;
  const routing = deps.config.routing;
  const chain = attemptChain(routedModel, routing);
  const requestedEntry = deps.catalog.tryResolve(ctx.requestedModel)?.entry;
  // OpenAI streams report usage only when asked: ask, and hide the extra chunk from a client that did not.
  let hideUsageChunk = false;
  /** The client's bytes, as they are or with only `include_usage` added; undefined once they must be re-serialised. */
  let bytes: Buffer | undefined = ctx.raw;
  if (dialect === 'openai-chat' && ctx.stream) {
    const opts = (body.stream_options ?? {}) as Record<string, unknown>;
    if (opts.include_usage !== true) {
      bytes = body.stream_options === undefined ? withIncludeUsage(ctx.raw) : undefined;
      body.stream_options = { ...opts, include_usage: true };
      hideUsageChunk = true;
    }
  }

  for (let attempt = 0; attempt < chain.length; attempt++) {
    const last = attempt === chain.length - 1 || performance.now() - ctx.started > routing.deadlineMs;
    const initial = resolveTarget(chain[attempt]!, deps.upstreams, deps.catalog, ctx.appSettings);
    body.model = initial.model;
    const reserving = reserveBudget(deps, dialect, ctx.appSettings, body, subject, initial, Date.now());
    const admitted = reserving instanceof Promise ? await reserving : reserving;
    const target = admitted.target;
    const route = [ctx.route, attempt > 0 ? `fallback:${attempt}` : null, admitted.route].filter(Boolean).join(' ') || null;
    const meter: MeterInput = {
      id: last || attempt === chain.length - 1 ? ctx.id : `${ctx.id}_a${attempt + 1}`,
      ts: ctx.now, app: ctx.app, keyId: ctx.keyId, attribution: ctx.attribution, endpoint: dialect,
      provider: target.upstream.name, model: target.model, requestedModel: ctx.requestedModel, entry: target.entry,
      requestedEntry, stream: ctx.stream, body, route, needs: ctx.needs,
    };
    let sent: SentRequest;
    try {
      const unchanged = target.model === ctx.requestedModel && !admitted.route;
      sent = await deps.forwarder.send(target.upstream, dialect, target.model, body, unchanged && bytes ? bytes : JSON.stringify(body), req.headers);
    } catch (err) {
      const e = err instanceof GatewayError ? err : new GatewayError(502, 'upstream_error', 'upstream unreachable');
      await record(meter, failedOutcome(ctx.started, e), admitted, ctx.appSettings, deps);
      if (last) throw e;
      continue;
    }
    if (RETRYABLE(sent.status) && !last) {
      const { outcome } = await readBuffered(sent, dialect, target.upstream.name, ctx.started).catch(() => ({ outcome: failedOutcome(ctx.started, new GatewayError(sent.status, 'upstream_error', '')) }));
      await record(meter, outcome, admitted, ctx.appSettings, deps);
      continue;
    }
    // `sent.headers` is the forwarder's own copy of the upstream's headers: completed in place, not copied
    // again (an object spread with a key added cost ~1.4 µs a request).
    sent.headers['x-burnrate-model'] = target.model;
    // Where the upstream sent a header of the same name (its own x-ratelimit-*), its value is kept.
    for (const name in ctx.headers) sent.headers[name] ??= ctx.headers[name]!;
    const answerHeaders = admitted.headers;
    if (ctx.stream && sent.status < 400) {
      const capture = cacheKey ? [] : undefined;
      let row!: LedgerRow;
      // Recorded (and journaled) before the stream's end; settled after it, below.
      await relayStream(res, sent, dialect, answerHeaders, hideUsageChunk, ctx.started, capture, ctx.appSettings.storeContent === true, (outcome) => {
        outcome.cache = cacheKey ? 'miss' : null;
        return andThen(record(meter, outcome, undefined, ctx.appSettings, deps), (recorded) => {
          row = recorded;
          if (ctx.appSettings.storeContent) deps.reviewSamples?.offer(ctx.appSettings, meter, row, outcome.outputText);
        });
      });
      const settling = settleRow(row, admitted, ctx.appSettings, deps);
      if (settling instanceof Promise) await settling;
      if (cacheKey && capture && !row.errorCode) await storeAnswer(deps.cache, cacheKey, ttlSeconds, 'text/event-stream', Buffer.concat(capture), row);
      return;
    }
    let buffered;
    try {
      buffered = await readBuffered(sent, dialect, target.upstream.name, ctx.started);
    } catch (err) {
      await record(meter, failedOutcome(ctx.started, err as GatewayError), admitted, ctx.appSettings, deps);
      throw err;
    }
    buffered.outcome.cache = cacheKey ? 'miss' : null;
    const recorded = record(meter, buffered.outcome, admitted, ctx.appSettings, deps);
    const row = recorded instanceof Promise ? await recorded : recorded;
    if (ctx.appSettings.storeContent) deps.reviewSamples?.offer(ctx.appSettings, meter, row, buffered.raw);
    const headers: Record<string, string | number> = Object.assign(sent.headers, answerHeaders);
    headers['content-length'] = buffered.raw.length;
    headers['x-burnrate-cost-usd'] = nanoToDecimal(row.costNano);
    res.writeHead(sent.status, headers);
    res.end(buffered.raw);
    if (cacheKey && sent.status === 200 && buffered.outcome.complete) {
      await storeAnswer(deps.cache, cacheKey, ttlSeconds, sent.headers['content-type'] ?? 'application/json', buffered.raw, row);
    }
    return;
  }
}

function failedOutcome(started: number, err: GatewayError): Outcome {
  return {
    status: err.status, errorCode: err.code, reported: undefined, complete: false, outputText: '',
    returnedModel: null, latencyMs: performance.now() - started, ttftMs: null,
  };
}

/**
 * Prices the outcome, queues the ledger row, and settles the budget reservation to the same cost.
 * The row at once when it is journaled and settled already (one connection, in-process counters),
 * else once it is.
 */
export function record(meter: MeterInput, outcome: Outcome, admitted: Admitted | undefined, app: AppSettings, deps: GatewayDeps): Maybe<LedgerRow> {
  const row = appendRow(meter, outcome, deps);
  const settling = settleRow(row, admitted, app, deps);
  const journaling = deps.ledger.journaled?.();
  const waiting: Maybe<unknown> = settling instanceof Promise ? Promise.all([settling, journaling]) : journaling;
  return andThen(waiting, () => row);
}

/** Prices the outcome and queues (journals) its ledger row. */
function appendRow(meter: MeterInput, outcome: Outcome, deps: GatewayDeps): LedgerRow {
  const row = buildRow(meter, outcome, deps.catalog, deps.counter);
  deps.ledger.append(row);
  deps.metrics.record(row.app, row.model, row.status, row.tokensIn, row.tokensOut, row.costNano, row.latencyMs / 1000);
  return row;
}

/** Settles the budget reservation to the row's cost; undefined when there is nothing to settle. */
function settleRow(row: LedgerRow, admitted: Admitted | undefined, app: AppSettings, deps: GatewayDeps): Maybe<void> {
  if (!admitted) return undefined;
  const upstreamError = row.status >= 500 || row.status === 429;
  return settle(deps, admitted, row.keyId ?? '', app, row.costNano, row.tokensIn + row.tokensOut, upstreamError, Date.now());
}

let lastUnavailableLog = 0;

/** One line every 10 s while the shared state is out of reach, not a stack trace per request. */
function logUnavailable(err: unknown): void {
  const now = Date.now();
  if (now - lastUnavailableLog < 10_000) return;
  lastUnavailableLog = now;
  console.error(`burnrate: shared state unavailable, answering 503: ${(err as Error).message}`);
}

/** An error answer in the client's dialect, with `headers` (the request's, see `RequestContext.headers`) under the error's own. */
export function sendError(res: ServerResponse, dialect: Dialect, err: GatewayError, headers?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(dialect, err);
  res.writeHead(err.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers, ...err.headers });
  res.end(body);
}
