import type { Dialect } from './types.js';

/** A request in a wire format the upstream's adapter does not speak (e.g. Anthropic Messages to Gemini). */
export class UnsupportedDialectError extends Error {
  readonly code = 'unsupported_dialect';

  constructor(
    readonly provider: string,
    readonly dialect: Dialect,
  ) {
    super(`provider ${provider} does not speak ${dialect}`);
    this.name = 'UnsupportedDialectError';
  }
}

/** An upstream whose configuration cannot build a request (e.g. an Azure deployment URL without a model). */
export class UpstreamConfigError extends Error {
  readonly code = 'upstream_config';

  constructor(message: string) {
    super(message);
    this.name = 'UpstreamConfigError';
  }
}
