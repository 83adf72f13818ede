import type { IncomingHttpHeaders } from 'node:http';

export interface Attribution {
  feature: string | null;
  customer: string | null;
  conversation: string | null;
  user: string | null;
  tags: Record<string, string> | null;
}

const MAX_LEN = 200;

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s.slice(0, MAX_LEN) : null;
}

/** `k=v,k=v` → {k: v}; malformed pairs are skipped rather than failing the request. */
export function parseTags(raw: string | null): Record<string, string> | null {
  if (!raw) return null;
  const tags: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    tags[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return Object.keys(tags).length ? tags : null;
}

/**
 * Who a request is for: `x-burnrate-*` headers first, then OpenAI's own `user` and `metadata` body
 * fields (metadata's feature / customer / conversation keys count too, the rest become tags).
 */
export function attribute(headers: IncomingHttpHeaders, body: Record<string, unknown>): Attribution {
  const meta = body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, unknown>) : {};
  const fromMeta = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string).slice(0, MAX_LEN) : null);
  const user = typeof body.user === 'string' ? body.user.slice(0, MAX_LEN) : fromMeta('user_id');
  let tags = parseTags(header(headers, 'x-burnrate-tags'));
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string' || ['feature', 'customer', 'conversation', 'user_id'].includes(k)) continue;
    tags = { ...tags, [k]: v.slice(0, MAX_LEN) };
  }
  return {
    feature: header(headers, 'x-burnrate-feature') ?? fromMeta('feature'),
    customer: header(headers, 'x-burnrate-customer') ?? fromMeta('customer') ?? user,
    conversation: header(headers, 'x-burnrate-conversation') ?? fromMeta('conversation'),
    user,
    tags,
  };
}
