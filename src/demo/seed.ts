import { requestId } from '../util/request-id.js';
import type { Gateway } from '../gateway/server.js';
import { buildRow } from '../gateway/meter.js';
import type { Usage } from '../catalog/types.js';
import { demoTraffic, type DemoCall } from './traffic.js';

export interface SeedOptions {
  days?: number;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes a month of demo traffic into the gateway's ledger, priced by the same metering code as live
 * requests (the rows carry their historical timestamps, so the gateway cannot have proxied them).
 */
export async function seedDemo(gateway: Gateway, options: SeedOptions = {}): Promise<{ requests: number }> {
  const now = (options.now ?? new Date()).getTime();
  const days = options.days ?? 30;
  const calls = [...demoTraffic(days, now)];
  const { ledger } = gateway.deps;
  let done = 0;
  for (const call of calls) {
    ledger.append(rowOf(call, gateway));
    if (++done % 2000 === 0) {
      options.onProgress?.(done, calls.length);
      await ledger.flush();
    }
  }
  await ledger.flush();
  options.onProgress?.(calls.length, calls.length);
  return { requests: calls.length };
}

const NO_NEEDS = { tools: false, images: false };
/** The support chat looks orders up with tools; the document pipeline extracts from scanned pages with a tool schema. */
const DEMO_NEEDS: Record<string, { tools: boolean; images: boolean }> = { chat: { tools: true, images: false }, extract: { tools: true, images: true } };

function rowOf(call: DemoCall, gateway: Gateway) {
  const { catalog, counter } = gateway.deps;
  const entry = catalog.tryResolve(call.model)?.entry;
  const requestedEntry = catalog.tryResolve(call.requestedModel)?.entry;
  const usage: Usage = call.status >= 400 && call.outputTokens === 0 ? {} : { input: call.inputTokens - call.cachedTokens, ...(call.cachedTokens ? { cache_read: call.cachedTokens } : {}), ...(call.outputTokens ? { output: call.outputTokens } : {}) };
  const fullCost = entry ? catalog.price(entry, usage, { at: new Date(call.ts) }).costNano : 0;
  return buildRow(
    {
      id: requestId('req_demo_', call.ts), ts: call.ts, app: call.app, keyId: null,
      attribution: { feature: call.feature, customer: call.customer, conversation: call.conversation, user: null, tags: { source: 'demo' } },
      endpoint: call.endpoint, provider: call.provider, model: call.model, requestedModel: call.requestedModel,
      entry, requestedEntry, stream: call.stream, body: {}, route: call.route, needs: DEMO_NEEDS[call.feature] ?? NO_NEEDS,
    },
    {
      status: call.status, errorCode: call.status >= 400 ? 'upstream_error' : null, reported: usage, complete: true,
      outputText: '', returnedModel: call.model, latencyMs: call.latencyMs, ttftMs: call.stream ? Math.min(call.latencyMs, 350) : null,
      ...(call.cacheHit ? { cache: 'hit' as const, savedNano: fullCost } : {}),
    },
    catalog,
    counter,
  );
}
