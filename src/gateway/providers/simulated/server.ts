import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dialect } from '../types.js';
import { errorStyleOf, Simulator } from './engine.js';
import { errorReply } from './errors.js';
import { pacedBody } from './pacing.js';
import type { SimEvent, SimReply } from './reply.js';

/** Test knobs, read on every request: change them between (or during) calls. */
export interface SimulatedBehaviour {
  /** Answer this HTTP status with a provider-style error body (429, 500, 529...). */
  failStatus?: number;
  /** Never answer (the connection stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Streams: destroy the socket after this many SSE events. */
  cutStreamAfterEvents?: number;
  /** Time to first byte, ms. */
  latencyMs: number;
  /** Streams: generated tokens per second; 0 sends the whole stream at once. */
  tokensPerSecond: number;
  /** Answer 200 with a body that is not JSON. */
  garbage?: boolean;
  /** JSON answers: send the headers and this many bytes of the body, then destroy the socket. */
  cutBodyAfterBytes?: number;
  /** Share of the input reported as cache reads, 0 to 1. */
  cacheReadRatio: number;
}

export interface SimulatedUpstreamOptions {
  /** Default 0: a random free port. */
  port?: number;
  latencyMs?: number;
  tokensPerSecond?: number;
  cacheReadRatio?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface SimulatedUpstream {
  /** `http://127.0.0.1:PORT`: the base URL for Anthropic clients; OpenAI clients take `url + '/v1'`. */
  url: string;
  port: number;
  /** Requests received so far. */
  readonly calls: number;
  /** The last request received, as parsed. */
  readonly lastRequest: RecordedRequest | undefined;
  behaviour: SimulatedBehaviour;
  close(): Promise<void>;
}

/** Routes by path suffix, so OpenAI (`/v1/...`) and Azure (`/openai/v1/...`, `/openai/deployments/X/...`) paths work. */
function dialectOf(path: string): Dialect | undefined {
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  if (path.endsWith('/responses')) return 'openai-responses';
  if (path.endsWith('/embeddings')) return 'openai-embeddings';
  if (path.endsWith('/messages/count_tokens')) return 'anthropic-count-tokens';
  if (path.endsWith('/messages')) return 'anthropic-messages';
  return undefined;
}

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini', 'text-embedding-3-small', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'gemini-2.5-flash', 'gemini-2.5-pro'];

function modelsBody(anthropic: boolean): string {
  if (anthropic) {
    const data = MODELS.filter((m) => m.startsWith('claude')).map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
    return JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  return JSON.stringify({ object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'burnrate-simulated' })) });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: SimReply): void {
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body ?? '');
}

async function sendEvents(res: ServerResponse, reply: SimReply, events: SimEvent[], behaviour: SimulatedBehaviour): Promise<void> {
  const cut = behaviour.cutStreamAfterEvents;
  const shown = cut !== undefined && cut >= 0 ? events.slice(0, cut) : events;
  res.writeHead(reply.status, reply.headers);
  for await (const piece of pacedBody(shown, behaviour.tokensPerSecond)) {
    if (res.destroyed) return;
    res.write(piece);
  }
  if (shown === events) res.end();
  else res.socket?.end(() => res.socket?.destroy()); // flush what was written, then drop the connection mid-stream
}

/**
 * A local upstream on 127.0.0.1 that speaks the exact OpenAI and Anthropic wire formats (chat
 * completions, responses, embeddings, models; messages, count_tokens), driven by the simulator, with
 * knobs for failure tests. Used by integration tests and benchmarks as an instant upstream.
 */
export async function startSimulatedUpstream(options: SimulatedUpstreamOptions = {}): Promise<SimulatedUpstream> {
  const simulator = new Simulator();
  const behaviour: SimulatedBehaviour = {
    latencyMs: options.latencyMs ?? 0,
    tokensPerSecond: options.tokensPerSecond ?? 0,
    cacheReadRatio: options.cacheReadRatio ?? 0,
  };
  let calls = 0;
  let lastRequest: RecordedRequest | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    calls++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const text = req.method === 'POST' ? await readBody(req) : '';
    let body: unknown;
    let parsed = true;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = false;
    }
    lastRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
    const dialect = dialectOf(path);
    const style = dialect ? errorStyleOf(dialect) : req.headers['anthropic-version'] ? 'anthropic' : 'openai';
    if (behaviour.hang) return;
    if (behaviour.latencyMs > 0) await new Promise((r) => setTimeout(r, behaviour.latencyMs));
    if (res.destroyed) return;
    if (behaviour.failStatus) return send(res, errorReply(style, behaviour.failStatus));
    if (behaviour.garbage) return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '<html><body>Bad gateway? Not JSON.</body></html>' });
    if (req.method === 'GET' && path.endsWith('/models')) {
      return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: modelsBody(style === 'anthropic') });
    }
    if (!dialect || req.method !== 'POST') return send(res, errorReply(style, 404, `Unknown route ${req.method ?? ''} ${path}.`));
    if (!parsed) return send(res, errorReply(style, 400, 'The request body is not valid JSON.'));
    // Azure's deployment-style paths name the model in the URL.
    const deployment = /\/deployments\/([^/]+)\//.exec(path)?.[1];
    if (deployment && typeof body === 'object' && body !== null && !('model' in body)) {
      (body as Record<string, unknown>).model = decodeURIComponent(deployment);
    }
    if (!(behaviour.tokensPerSecond > 0) && behaviour.cutStreamAfterEvents === undefined) {
      // The instant path: rendered once per distinct request, then copied with fresh ids.
      const key = `${path}\u0000${behaviour.cacheReadRatio}\u0000${text}`;
      const rendered = simulator.render(dialect, body, { cacheReadRatio: behaviour.cacheReadRatio }, key);
      res.writeHead(rendered.status, rendered.headers);
      if (behaviour.cutBodyAfterBytes === undefined) return void res.end(rendered.bytes);
      res.write(rendered.bytes.subarray(0, behaviour.cutBodyAfterBytes), () => res.destroy());
      return;
    }
    const reply = simulator.reply(dialect, body, { cacheReadRatio: behaviour.cacheReadRatio });
    if (reply.events) return sendEvents(res, reply, reply.events, behaviour);
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, errorReply('openai', 500));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get calls() {
      return calls;
    },
    get lastRequest() {
      return lastRequest;
    },
    behaviour,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
