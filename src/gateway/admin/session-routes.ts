import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { sendJson } from '../http.js';
import { jsonBody, validate, type AdminRoute } from './context.js';

const COOKIE = 'burnrate_admin';
const LoginSchema = z.object({ token: z.string().min(1) }).strict();

/** The dashboard's login: the admin token goes into an HttpOnly, SameSite=Strict cookie. */
export const SESSION_ROUTES: AdminRoute[] = [
  {
    method: 'POST',
    path: /^\/api\/login$/,
    public: true,
    async handle({ req, res, deps }) {
      const { token } = validate(LoginSchema, await jsonBody(req));
      if (!deps.adminToken.verify(token)) throw new GatewayError(401, 'authentication_failed', 'wrong admin token');
      sendJson(res, 200, { ok: true }, { 'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000` });
    },
  },
  {
    method: 'POST',
    path: /^\/api\/logout$/,
    public: true,
    handle: ({ res }) => sendJson(res, 200, { ok: true }, { 'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` }),
  },
  { method: 'GET', path: /^\/api\/session$/, handle: ({ res }) => sendJson(res, 200, { ok: true }) },
  {
    method: 'POST',
    path: /^\/api\/demo\/request$/,
    async handle({ res, deps }) {
      sendJson(res, 200, await deps.demoRequest());
    },
  },
];

export function adminCookie(cookieHeader: string | undefined): string | undefined {
  const match = cookieHeader ? new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(cookieHeader) : null;
  return match ? decodeURIComponent(match[1]!) : undefined;
}
