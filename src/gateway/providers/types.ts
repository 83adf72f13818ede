import type { Usage } from '../../catalog/types.js';

/**
 * The wire format a client speaks to the gateway (and the gateway to the upstream: Burnrate does not
 * translate between formats, it forwards the client's body to an upstream that speaks the same one).
 */
export type Dialect =
  | 'openai-chat' //              POST /v1/chat/completions
  | 'openai-responses' //         POST /v1/responses
  | 'openai-embeddings' //        POST /v1/embeddings
  | 'anthropic-messages' //       POST /v1/messages
  | 'anthropic-count-tokens'; //  POST /v1/messages/count_tokens

/** How one upstream is reached. Secrets live here and nowhere else (never logged, never answered). */
export interface UpstreamConfig {
  /** Name used in config and on ledger rows: `openai`, `anthropic`, `gemini`, `groq`, `my-vllm`, `simulated`... */
  name: string;
  /** Which adapter speaks to it. */
  kind: 'openai' | 'anthropic' | 'azure' | 'simulated';
  baseUrl: string;
  apiKey?: string;
  /** Azure only: `api-version` query parameter (omit for Azure's v1 API). */
  apiVersion?: string;
  /** Extra headers sent on every request (e.g. OpenRouter's HTTP-Referer). */
  headers?: Record<string, string>;
  /** Catalog provider id used to price this upstream's models (e.g. `google` for gemini). */
  pricingProvider?: string;
  timeoutMs: number;
}

/** Where to send one request: absolute URL and the headers the upstream needs (auth, version). */
export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
}

/** A provider adapter is mostly data plus a pure function: request out. */
export interface ProviderAdapter {
  kind: UpstreamConfig['kind'];
  supports(dialect: Dialect): boolean;
  /**
   * `clientHeaders` are the lower-cased headers of the client request (for pass-through ones like anthropic-beta).
   * `model` is the id sent upstream; Azure's deployment-style URLs need it (`/openai/deployments/{model}/...`).
   * Throws `UnsupportedDialectError` for a dialect the provider does not speak.
   */
  request(
    upstream: UpstreamConfig,
    dialect: Dialect,
    clientHeaders: Record<string, string | string[] | undefined>,
    model?: string,
  ): UpstreamRequest;
}

/** Usage as the provider reported it, in disjoint kinds (see catalog/types.ts). */
export interface UsageReport {
  usage: Usage;
  /** The model id the upstream says answered (it may differ from the one asked: a new snapshot). */
  model?: string;
}

/** Reads usage on the side of a stream whose bytes go to the client unchanged. */
export interface StreamUsageReader {
  /** Feed each chunk of the upstream SSE body as it passes. Must be cheap: it sits on the hot path. */
  push(chunk: Uint8Array): void;
  /**
   * What was seen so far. `usage` holds the reported usage (possibly partial, e.g. Anthropic's input
   * from message_start without message_delta's output); `complete` is true once the final usage
   * event arrived; `outputText` is the generated text seen, to estimate output when usage is missing.
   * With `withText` false, a reader may leave the text out ('') once the usage is complete: nothing
   * is estimated then, and finding the text in every event is most of a stream's metering.
   */
  result(withText?: boolean): { usage?: Usage; complete: boolean; model?: string; outputText: string };
}

/** Usage extraction for one dialect, from a JSON body or an SSE stream. */
export interface UsageReader {
  fromJson(body: unknown): UsageReport | undefined;
  streamReader(): StreamUsageReader;
}

/** A response from an upstream, network or simulated, with a body we can stream. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
}
