/** Small pure helpers the adapters share: URL joining and header merging. */

export type ClientHeaders = Record<string, string | string[] | undefined>;

/** `base` + `path` with exactly one slash between them (`path` starts with `/`). */
export function joinUrl(base: string, path: string): string {
  let end = base.length;
  while (end > 0 && base.charCodeAt(end - 1) === 47 /* / */) end--;
  return base.slice(0, end) + path;
}

/** A client header as one string (repeated headers joined with `,`), or undefined when absent or empty. */
export function clientHeader(headers: ClientHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text ? text : undefined;
}

/** The upstream's configured extra headers, with lower-cased names so later keys override them predictably. */
export function configHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers) for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

export const JSON_CONTENT = { 'content-type': 'application/json' } as const;
