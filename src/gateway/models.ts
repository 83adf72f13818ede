import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, GatewayError } from './errors.js';
import { presentedKey, sendJson } from './http.js';
import type { GatewayDeps } from './pipeline.js';

/** Catalog provider ids whose models each default upstream serves. */
const CATALOG_PROVIDER: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'google' };
/** A few well-known models the simulated provider is listed with (it answers for any catalog model). */
const SIMULATED = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'claude-haiku-4-5', 'claude-sonnet-4-5', 'text-embedding-3-small'];

/** GET /v1/models in OpenAI's list format: the models this gateway can route and price. */
export async function listModels(req: IncomingMessage, res: ServerResponse, deps: GatewayDeps): Promise<void> {
  req.resume();
  if (!(await deps.keys.lookup(presentedKey(req) ?? ''))) {
    const body = errorBody('openai', new GatewayError(401, 'authentication_failed', 'missing, unknown or revoked Burnrate key'));
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  const data: { id: string; object: 'model'; created: number; owned_by: string }[] = [];
  for (const upstream of deps.upstreams) {
    if (upstream.kind === 'simulated') {
      for (const id of SIMULATED) data.push({ id: `sim/${id}`, object: 'model', created: 0, owned_by: 'simulated' });
      continue;
    }
    const provider = upstream.pricingProvider ?? CATALOG_PROVIDER[upstream.name] ?? upstream.name;
    for (const m of deps.catalog.list(`${provider}/*`)) {
      if (!m.deprecated) data.push({ id: `${upstream.name}/${m.id}`, object: 'model', created: 0, owned_by: upstream.name });
    }
  }
  sendJson(res, 200, { object: 'list', data });
}
