import type { GatewayDeps } from './pipeline.js';

/**
 * The first-run page's button: one simulated chat request through this gateway, as an SDK would
 * send it, with a key for app `demo` made on first use.
 */
export function demoRequester(deps: GatewayDeps, gatewayUrl: () => string): () => Promise<{ requestId: string; costUsd: number }> {
  let secret: string | undefined;
  return async () => {
    secret ??= (await deps.keys.create('demo', 'first-run page')).secret;
    return send(secret, gatewayUrl());
  };
}

async function send(secret: string, gatewayUrl: string): Promise<{ requestId: string; costUsd: number }> {
  const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-burnrate-feature': 'first-run' },
    body: JSON.stringify({ model: 'sim/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the Burnrate dashboard! What does this request cost?' }] }),
  });
  await res.arrayBuffer();
  return { requestId: res.headers.get('x-burnrate-request-id') ?? '', costUsd: Number(res.headers.get('x-burnrate-cost-usd') ?? 0) };
}
