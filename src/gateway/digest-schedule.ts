import type { Config } from '../config/schema.js';
import { periodWindow } from '../controls/periods.js';
import { attentionStatus, buildDigest, periodOf, reviewModels, ReviewRepository, sendDigest, type Digest } from '../review/index.js';
import type { AdminDeps } from './admin/context.js';

const HOUR = 3_600_000;

/** What the digest needs of the gateway. */
export type DigestDeps = Pick<AdminDeps, 'config' | 'sql' | 'ledger' | 'queries' | 'budgets' | 'catalog'>;

/** The weekly digest as of `now`, from the gateway's live budgets and its database. */
export async function gatewayDigest(deps: DigestDeps, now: number): Promise<Digest> {
  // Rows still queued in memory are written first, so the digest sees every recorded request.
  await deps.ledger.flush();
  const repo = new ReviewRepository(deps.sql);
  const budgets = await deps.budgets.status(now);
  const [status, review] = await Promise.all([
    attentionStatus({ repo, config: deps.config, catalog: deps.catalog, budgets, period: periodOf(undefined, undefined, now, 7), now }),
    reviewModels(repo, deps.catalog, { period: periodOf(undefined, undefined, now), now }),
  ]);
  return buildDigest({ queries: deps.queries, config: deps.config, budgets, status, review, now });
}

/** This week's send time (`digest.weekday` at `digest.hour` in `digest.timeZone`), or undefined before it. */
export function dueWeek(digest: Config['digest'], now: number): string | undefined {
  const week = periodWindow({ period: 'week', timeZone: digest.timeZone, windowHours: 24 }, now);
  const due = week.start + (digest.weekday * 24 + digest.hour) * HOUR;
  return now >= due ? week.key : undefined;
}

/**
 * Sends this week's digest to the owners' webhooks once it is due. Every instance checks; the one that
 * records `digest_sent:<week>` in the settings table first sends it, so owners get it once a week.
 * Returns what was sent, or undefined when nothing was due (or another instance had sent it).
 */
export async function sendDueDigest(deps: DigestDeps, now: number, send: typeof sendDigest = sendDigest): Promise<Awaited<ReturnType<typeof sendDigest>> | undefined> {
  const { digest } = deps.config;
  if (!digest.enabled) return undefined;
  if (!Object.values(deps.config.apps).some((a) => a.owner?.webhook)) return undefined;
  const week = dueWeek(digest, now);
  if (!week) return undefined;
  const claimed = await deps.sql.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [`digest_sent:${week}`, new Date(now).toISOString()]);
  if (claimed !== 1) return undefined;
  const sent = await send(await gatewayDigest(deps, now), deps.config);
  for (const s of sent) if (!s.ok) console.error(`burnrate: weekly digest to ${s.owner} (${s.webhookHost}) failed: ${s.error}`);
  return sent;
}

/** Checks every `everyMs` whether the weekly digest is due. Returns a stop function. */
export function scheduleDigest(deps: DigestDeps, everyMs = 10 * 60_000, firstAfterMs = 30_000): () => void {
  const check = () =>
    void sendDueDigest(deps, Date.now()).catch((err: unknown) => console.error(`burnrate: weekly digest failed: ${(err as Error).message}`));
  const first = setTimeout(check, firstAfterMs);
  const timer = setInterval(check, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
