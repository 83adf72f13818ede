import { randomBytes } from 'node:crypto';
import type { Dialect, UpstreamResponse } from '../types.js';
import { type Obj, obj } from '../usage/fields.js';
import { chatReply } from './chat-reply.js';
import { embeddingInputs, embeddingsReply } from './embeddings-reply.js';
import { type ErrorStyle, errorReply } from './errors.js';
import { messagesReply } from './messages-reply.js';
import { joinEvents, pacedBody, singleChunk } from './pacing.js';
import { planAnswer } from './plan.js';
import { anthropicPrompt, chatPrompt, responsesPrompt } from './prompt.js';
import { PromptCounter } from './prompt-counter.js';
import { jsonReply, type ReplyContext, type SimReply } from './reply.js';
import { type RenderedReply, ReplyCache } from './reply-cache.js';
import { responsesReply } from './responses-reply.js';

export interface SimulateOptions {
  /** Time to first byte, in ms (default 0). */
  latencyMs?: number;
  /** Streams: generated tokens per second; 0 (default) sends the whole stream at once. */
  tokensPerSecond?: number;
  /** Share of the input reported as cache reads, 0 to 1 (default 0). */
  cacheReadRatio?: number;
  /** Stops the latency wait and a paced stream. */
  signal?: AbortSignal;
}

export function errorStyleOf(dialect: Dialect): ErrorStyle {
  return dialect.startsWith('anthropic') ? 'anthropic' : 'openai';
}

function invalid(dialect: Dialect, message: string): SimReply {
  return errorReply(errorStyleOf(dialect), 400, message);
}

function hasModel(body: Obj): boolean {
  return typeof body.model === 'string' && body.model !== '';
}

/**
 * The simulated provider: answers every wire format in-process, exactly as the real APIs do, with usage
 * counted on the real prompt (TokenCounter) and a deterministic answer (length and words from a hash of
 * the prompt). Holds its id sequence and small caches (prompt counts, rendered answers): keep one per
 * server or gateway.
 */
export class Simulator {
  private readonly counter = new PromptCounter();
  private readonly rendered = new ReplyCache();
  /** Ids are `{prefix}{nonce}{n}`; the nonce (12 hex digits) is unique per answer and per engine. */
  private readonly tag = randomBytes(3).toString('hex');
  private seq = 0;

  private nextNonce(): string {
    this.seq = (this.seq + 1) % 0x1000000;
    return this.tag + this.seq.toString(16).padStart(6, '0');
  }

  private context(nonce: string, created: number): ReplyContext {
    let n = 0;
    return { id: (prefix) => `${prefix}${nonce}${(n++).toString(36)}`, now: () => created };
  }

  /** The answer, before timing: a status, headers, and a JSON body or SSE events; and the usage it reports. */
  reply(dialect: Dialect, rawBody: unknown, options: Pick<SimulateOptions, 'cacheReadRatio'> = {}): SimReply {
    return this.build(dialect, rawBody, options.cacheReadRatio, this.context(this.nextNonce(), nowSeconds()));
  }

  /**
   * The answer as bytes, all at once. With a `key` (the request, e.g. its raw JSON text, plus anything
   * else that changes the answer), an answer rendered before is copied with fresh ids and timestamps.
   */
  render(dialect: Dialect, rawBody: unknown, options: Pick<SimulateOptions, 'cacheReadRatio'> = {}, key?: string): RenderedReply {
    const nonce = this.nextNonce();
    const created = nowSeconds();
    if (key !== undefined) {
      const hit = this.rendered.get(key, nonce, String(created));
      if (hit) return hit;
    }
    const reply = this.build(dialect, rawBody, options.cacheReadRatio, this.context(nonce, created));
    const rendered = { status: reply.status, headers: reply.headers, bytes: Buffer.from(reply.events ? joinEvents(reply.events) : (reply.body ?? '')), usage: reply.usage };
    if (key !== undefined && reply.status === 200) this.rendered.set(key, rendered, nonce, String(created));
    return rendered;
  }

  private build(dialect: Dialect, rawBody: unknown, cacheReadRatio: number | undefined, ctx: ReplyContext): SimReply {
    const body = obj(rawBody);
    if (!body) return invalid(dialect, 'The request body must be a JSON object.');
    if (!hasModel(body)) return invalid(dialect, 'you must provide a model parameter');
    switch (dialect) {
      case 'openai-chat': {
        if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid(dialect, "Missing required parameter: 'messages'.");
        const n = typeof body.n === 'number' ? body.n : 1;
        return chatReply(planAnswer(chatPrompt(body), this.counter, { n, cacheReadRatio }), body, ctx);
      }
      case 'openai-responses':
        if (body.input === undefined) return invalid(dialect, "Missing required parameter: 'input'.");
        return responsesReply(planAnswer(responsesPrompt(body), this.counter, { cacheReadRatio }), body, ctx);
      case 'openai-embeddings': {
        const inputs = embeddingInputs(body.input);
        if (!inputs) return invalid(dialect, "'input' must be a non-empty string, array of strings, or array of tokens.");
        return embeddingsReply(body, inputs, this.counter);
      }
      case 'anthropic-messages':
        if (!Array.isArray(body.messages)) return invalid(dialect, 'messages: Field required');
        if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) return invalid(dialect, 'max_tokens: Field required');
        return messagesReply(planAnswer(anthropicPrompt(body), this.counter, { cacheReadRatio }), body, ctx);
      case 'anthropic-count-tokens':
        if (!Array.isArray(body.messages)) return invalid(dialect, 'messages: Field required');
        return jsonReply({ input_tokens: this.counter.stats(anthropicPrompt(body)).tokens });
    }
  }

  /**
   * The answer as an upstream response: after `latencyMs`, a body streamed at `tokensPerSecond` (or at
   * once, rendered through the cache). Keep one Simulator and call this: `simulate()` starts afresh.
   */
  async simulate(dialect: Dialect, body: unknown, options: SimulateOptions = {}): Promise<UpstreamResponse> {
    const paced = (options.tokensPerSecond ?? 0) > 0;
    let response: UpstreamResponse;
    if (paced) {
      const reply = this.reply(dialect, body, options);
      const stream = reply.events ? pacedBody(reply.events, options.tokensPerSecond!, options.signal) : singleChunk(reply.body ?? '');
      response = { status: reply.status, headers: reply.headers, body: stream };
    } else {
      const key = `${dialect}\u0000${options.cacheReadRatio ?? 0}\u0000${JSON.stringify(body)}`;
      const rendered = this.render(dialect, body, options, key);
      response = { status: rendered.status, headers: rendered.headers, body: singleChunk(rendered.bytes) };
    }
    if (options.latencyMs && options.latencyMs > 0) await sleep(options.latencyMs, options.signal);
    return response;
  }
}

/** A one-off simulated call (a fresh engine: no count cache). Keep a `Simulator` to answer many. */
export function simulate(dialect: Dialect, body: unknown, options: SimulateOptions = {}): Promise<UpstreamResponse> {
  return new Simulator().simulate(dialect, body, options);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
