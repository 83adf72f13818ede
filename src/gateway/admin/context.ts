import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { AlertCenter } from '../../alerts/index.js';
import type { Catalog } from '../../catalog/index.js';
import type { Config } from '../../config/schema.js';
import type { SqlClient } from '../../db/sql-client.js';
import type { BudgetGuard, BudgetStore } from '../../controls/index.js';
import type { AdminToken, KeyStore } from '../../keys/index.js';
import type { LedgerQueries, LedgerStore } from '../../ledger/types.js';
import type { CacheStore } from '../../state/types.js';
import { describeZodError } from '../../util/validate.js';
import { GatewayError } from '../errors.js';
import { readBody } from '../http.js';

export interface AdminDeps {
  config: Config;
  adminToken: AdminToken;
  keys: KeyStore;
  ledger: LedgerStore;
  queries: LedgerQueries;
  /** The control plane's database (SQLite or PostgreSQL), where the review keeps its tables. */
  sql: SqlClient;
  budgets: BudgetGuard;
  budgetStore: BudgetStore;
  alerts: AlertCenter;
  cache: CacheStore;
  catalog: Catalog;
  /** Renders Prometheus metrics. */
  metricsText(): Promise<string>;
  /** Sends one simulated request through the gateway, for the first-run page. */
  demoRequest(): Promise<{ requestId: string; costUsd: number }>;
}

/** What a route handler gets. */
export interface AdminRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path's captured groups. */
  params: string[];
  deps: AdminDeps;
}

export interface AdminRoute {
  method: string;
  path: RegExp;
  /** Routes reachable without the admin token (logging in). */
  public?: boolean;
  handle(r: AdminRequest): Promise<void> | void;
}

export async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, 1024 * 1024);
  try {
    return raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    throw new GatewayError(400, 'invalid_request', 'the request body is not valid JSON');
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new GatewayError(400, 'invalid_request', describeZodError(parsed.error));
  return parsed.data;
}
