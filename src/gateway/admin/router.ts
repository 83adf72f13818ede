import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, GatewayError } from '../errors.js';
import { presentedKey } from '../http.js';
import { ANALYTICS_ROUTES } from './analytics-routes.js';
import type { AdminDeps, AdminRoute } from './context.js';
import { CORE_ROUTES } from './core-routes.js';
import { FORECAST_ROUTES } from './forecast-routes.js';
import { REVIEW_ROUTES } from './review-routes.js';
import { SAMPLE_ROUTES } from './sample-routes.js';
import { adminCookie, SESSION_ROUTES } from './session-routes.js';

export type { AdminDeps } from './context.js';

const ROUTES: AdminRoute[] = [...SESSION_ROUTES, ...CORE_ROUTES, ...ANALYTICS_ROUTES, ...FORECAST_ROUTES, ...REVIEW_ROUTES, ...SAMPLE_ROUTES];

/** The admin token, as a bearer token or the dashboard's cookie. */
export function adminTokenOf(req: IncomingMessage): string | undefined {
  return presentedKey(req) ?? adminCookie(req.headers.cookie);
}

/** /api/* and /metrics: every route but logging in needs the admin token. */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, deps: AdminDeps): Promise<void> {
  try {
    const method = req.method ?? 'GET';
    let params: string[] | undefined;
    const route = ROUTES.find((r) => {
      if (r.method !== method) return false;
      const m = r.path.exec(url.pathname);
      params = m ? m.slice(1) : undefined;
      return m !== null;
    });
    if (!route?.public && !deps.adminToken.verify(adminTokenOf(req))) {
      req.resume();
      throw new GatewayError(401, 'authentication_failed', 'admin token required');
    }
    if (!route) throw new GatewayError(404, 'not_found', `no route ${method} ${url.pathname}`);
    await route.handle({ req, res, url, params: params ?? [], deps });
  } catch (err) {
    const e = err instanceof GatewayError ? err : new GatewayError(500, 'internal_error', 'internal error');
    if (!(err instanceof GatewayError)) console.error(`burnrate: admin: ${(err as Error).stack ?? String(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = errorBody('openai', e);
    res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}
