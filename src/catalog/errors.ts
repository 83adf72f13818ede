/** A model id the catalog cannot price: never priced at $0 silently. */
export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  readonly code = 'unknown_model';
  constructor(
    readonly model: string,
    readonly suggestions: string[],
  ) {
    super(`unknown model "${model}"${suggestions.length ? ` (did you mean ${suggestions.join(', ')}?)` : ''}`);
  }
}
