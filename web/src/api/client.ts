/**
 * The admin API client. Authentication is the HttpOnly cookie set by POST /api/login: the token never
 * reaches JavaScript storage. Any 401 calls the unauthorized handler (the app shows the login page).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};

/** Set by the app: what to do when the API answers 401 (drop every page, show the login). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  let code: string | undefined;
  try {
    const body = (await res.json()) as { error?: { message?: string; code?: string } };
    if (body.error?.message) message = body.error.message;
    code = body.error?.code;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(res.status, message, code);
}

/** Calls the API; resolves to the JSON body, rejects with an ApiError. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (res.status === 401) {
    unauthorized();
    throw new ApiError(401, 'Your session ended: log in again.', 'authentication_failed');
  }
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

/** Whether the session cookie is valid (a 401 here is an answer, not an error). */
export async function hasSession(): Promise<boolean> {
  const res = await fetch('/api/session', { credentials: 'same-origin' });
  return res.ok;
}

/** Exchanges the admin token for the session cookie. Resolves false on a wrong token. */
export async function login(token: string): Promise<boolean> {
  const res = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.status === 401) return false;
  if (!res.ok) throw await errorOf(res);
  return true;
}

export async function logout(): Promise<void> {
  await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' });
}

/** A query string from filters, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
