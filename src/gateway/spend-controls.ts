import type { AlertCenter } from '../alerts/index.js';
import type { Catalog } from '../catalog/index.js';
import type { AppSettings, Config } from '../config/schema.js';
import {
  DEFAULT_LOOP_BREAKER,
  inputUpperBound,
  levelOf,
  outputBound,
  worstCaseNano,
  type Admission,
  type AppliedBudget,
  type BudgetGuard,
  type BudgetLevel,
  type BudgetSubject,
  type LoopBreaker,
  type LoopVerdict,
  type RateLimiter,
} from '../controls/index.js';
import type { TokenCounter } from '../tokens/index.js';
import { GatewayError } from './errors.js';
import { all, andThen, type Maybe } from '../util/maybe.js';
import type { Dialect, UpstreamConfig } from './providers/types.js';
import { resolveTarget, type Target } from './target.js';

export interface ControlDeps {
  config: Config;
  catalog: Catalog;
  counter: TokenCounter;
  budgets: BudgetGuard;
  rates: RateLimiter;
  breaker: LoopBreaker;
  alerts: AlertCenter;
  upstreams: UpstreamConfig[];
}

export interface Admitted {
  target: Target;
  admission: Admission & { ok: true };
  subject: BudgetSubject;
  /**
   * Headers the answer adds: what is left of the budget. (The rate-limit headers are already on the
   * response: the pipeline sets them as soon as the limits are checked, for refusals too.)
   */
  headers: Readonly<Record<string, string>>;
  /** Why the model or max_tokens changed, for the ledger row. */
  route: string | null;
}

/** No headers to add (shared: callers copy before adding to it). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

const MAX_TOKEN_FIELD: Partial<Record<Dialect, string>> = {
  'openai-chat': 'max_tokens',
  'openai-responses': 'max_output_tokens',
  'anthropic-messages': 'max_tokens',
};

function loopSettingsOf(deps: ControlDeps, app: AppSettings) {
  return app.loopBreaker ?? deps.config.loopBreaker ?? DEFAULT_LOOP_BREAKER;
}

/** An admission with no budget to reserve on. */
function unbudgeted(target: Target, subject: BudgetSubject): Admitted {
  return { target, admission: { ok: true, reservationId: undefined, applied: [] }, subject, headers: NO_HEADERS, route: null };
}

function loopError(deps: ControlDeps, verdict: LoopVerdict & { ok: false }, app: string, keyId: string, now: number): GatewayError {
  if (verdict.trippedNow) {
    deps.alerts.raise('loop_detected', `loop:${keyId}:${now}`, `runaway loop stopped for app ${app}: ${verdict.reason}`, { app, keyId, cooldownSeconds: verdict.retryAfterSeconds });
  }
  return new GatewayError(429, 'loop_detected', `runaway loop detected: ${verdict.reason}; refused for ${verdict.retryAfterSeconds} s`, undefined, { 'retry-after': String(verdict.retryAfterSeconds) });
}

/**
 * The first controls: a tripped loop breaker and rate limits. Returns the rate-limit headers to
 * answer with; throws the refusal.
 */
export function checkLimits(deps: ControlDeps, app: AppSettings, keyId: string, bodyTag: () => string, subjectBase: Omit<BudgetSubject, 'model'>, now: number): Maybe<Readonly<Record<string, string>>> {
  const settings = loopSettingsOf(deps, app);
  if (!settings.enabled && !deps.rates.active) return NO_HEADERS;
  // Asked at once (with Redis: one round trip); a refused attempt counts against the rate limit either way.
  const asked = all([
    settings.enabled ? deps.breaker.tripped(keyId, bodyTag(), settings, now) : undefined,
    deps.rates.active ? deps.rates.check(subjectBase, now) : undefined,
  ] as const);
  return andThen(asked, ([verdict, rate]) => {
    if (verdict && !verdict.ok) throw loopError(deps, verdict, subjectBase.app, keyId, now);
    if (rate && !rate.ok) {
      throw new GatewayError(429, 'rate_limited', `rate limit reached: ${rate.reason}`, undefined, { ...rate.headers, 'retry-after': String(rate.retryAfterSeconds ?? 1) });
    }
    return rate?.headers ?? NO_HEADERS;
  });
}

/** Counts a request that is going upstream (not a cache hit) against the loop breaker. */
export function countRepeat(deps: ControlDeps, app: AppSettings, keyId: string, appName: string, bodyTag: () => string, now: number): Maybe<void> {
  const settings = loopSettingsOf(deps, app);
  if (!settings.enabled) return undefined;
  return andThen(deps.breaker.count(keyId, bodyTag(), settings, now), (verdict) => {
    if (!verdict.ok) throw loopError(deps, verdict, appName, keyId, now);
  });
}

/**
 * Budgets: reserve the request's worst case on every hard budget covering it, downgrading or clamping
 * when a budget says so. Refusals happen here, before any provider is called.
 */
export function reserveBudget(
  deps: ControlDeps,
  dialect: Dialect,
  app: AppSettings,
  body: Record<string, unknown>,
  subjectBase: Omit<BudgetSubject, 'model'>,
  target: Target,
  now: number,
): Maybe<Admitted> {
  const subject = { app: subjectBase.app, keyId: subjectBase.keyId, customer: subjectBase.customer, feature: subjectBase.feature, model: target.model };
  if (!deps.budgets.active) return unbudgeted(target, subject);
  const applied = deps.budgets.applicable(subject, now);
  if (applied.length === 0) return unbudgeted(target, subject);
  if (!target.entry) {
    throw new GatewayError(400, 'unknown_model', `model "${target.model}" has no price, so no budget can admit it`, { model: target.model });
  }
  const inputTokens = inputUpperBound(body, target.model, deps.counter);
  const worst = worstCaseNano(deps.catalog, target.entry, inputTokens, outputBound(body, deps.catalog, target.entry, dialect === 'openai-embeddings'));
  return andThen(deps.budgets.admit(subject, worst, now, applied), (admission) =>
    admission.ok ? admitted(deps, admission, target, subject, null) : onLimit(deps, dialect, app, body, admission, target, subject, inputTokens, worst, now),
  );
}

/** A budget cannot hold the request: downgrade or clamp when it says so, else refuse. */
async function onLimit(
  deps: ControlDeps,
  dialect: Dialect,
  app: AppSettings,
  body: Record<string, unknown>,
  refused: Admission & { ok: false },
  target: Target,
  subject: BudgetSubject,
  inputTokens: number,
  worst: number,
  now: number,
): Promise<Admitted> {
  const embeddings = dialect === 'openai-embeddings';
  let admission: Admission = refused;
  let route: string | null = null;
  if (refused.refusedBy.budget.onLimit === 'downgrade' && refused.refusedBy.budget.downgradeTo) {
    const budgetId = refused.refusedBy.budget.id;
    target = resolveTarget(refused.refusedBy.budget.downgradeTo, deps.upstreams, deps.catalog, app);
    body.model = target.model;
    subject = { ...subject, model: target.model };
    worst = worstCaseNano(deps.catalog, target.entry!, inputTokens, outputBound(body, deps.catalog, target.entry!, embeddings));
    admission = await deps.budgets.admit(subject, worst, now);
    route = `downgrade:${budgetId}`;
  } else if (refused.refusedBy.budget.onLimit === 'clamp' && MAX_TOKEN_FIELD[dialect]) {
    const room = refused.refusedBy.item.limitNano - refused.spentNano - refused.reservedNano;
    const maxOut = largestOutputThatFits(deps.catalog, target, inputTokens, outputBound(body, deps.catalog, target.entry!, false), room);
    if (maxOut >= 1) {
      body[MAX_TOKEN_FIELD[dialect]!] = maxOut;
      if (dialect === 'openai-chat') delete body.max_completion_tokens;
      worst = worstCaseNano(deps.catalog, target.entry!, inputTokens, outputBound(body, deps.catalog, target.entry!, false));
      admission = await deps.budgets.admit(subject, worst, now);
      route = `clamp:${admission.ok ? maxOut : 0}`;
    }
  }
  if (!admission.ok) throw budgetError(admission.refusedBy, admission.spentNano, admission.reservedNano, worst);
  return admitted(deps, admission, target, subject, route);
}

/** The admission with its answer header: what is left on the tightest budget. */
function admitted(deps: ControlDeps, admission: Admission & { ok: true }, target: Target, subject: BudgetSubject, route: string | null): Maybe<Admitted> {
  return andThen(deps.budgets.knownRemaining(admission) ?? deps.budgets.remaining(admission), (remaining) => {
    const headers = remaining === undefined ? NO_HEADERS : { 'x-burnrate-budget-remaining': (remaining / 1e9).toFixed(6) };
    return { target, admission, subject, headers, route };
  });
}

/** The largest output (per choice) whose worst case fits in `roomNano`, by bisection. */
function largestOutputThatFits(catalog: Catalog, target: Target, inputTokens: number, currentMax: number, roomNano: number): number {
  let lo = 0;
  let hi = currentMax;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (worstCaseNano(catalog, target.entry!, inputTokens, mid) <= roomNano) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function budgetError(a: AppliedBudget, spentNano: number, reservedNano: number, worstNano: number): GatewayError {
  const b = a.budget;
  const scope = b.scope === 'global' ? 'installation' : `${b.scope} ${a.value}`;
  const usd = (n: number) => `$${(n / 1e9).toFixed(4)}`;
  return new GatewayError(
    429,
    'budget_exceeded',
    `budget "${b.id}" (${scope}, ${usd(a.item.limitNano)} per ${b.period === 'rolling' ? `${b.windowHours} h` : b.period}) cannot hold this request: spent ${usd(spentNano)}, reserved ${usd(reservedNano)}, this request may cost up to ${usd(worstNano)}; resets ${new Date(a.window.end).toISOString()}`,
    { budget: b.id, limit_usd: b.limitUsd, spent_usd: spentNano / 1e9, reserved_usd: reservedNano / 1e9, worst_case_usd: worstNano / 1e9, resets_at: new Date(a.window.end).toISOString() },
    { 'x-burnrate-budget-remaining': (Math.max(0, a.item.limitNano - spentNano - reservedNano) / 1e9).toFixed(6) },
  );
}

/**
 * After the answer: settle the reservation to the real cost, count rate windows, feed the breaker,
 * alert. Undefined when all of it is done at once (in-process counters) or there is nothing to settle.
 */
export function settle(deps: ControlDeps, admitted: Admitted, keyId: string, app: AppSettings, costNano: number, tokens: number, upstreamError: boolean, now: number): Maybe<void> {
  const loopSettings = loopSettingsOf(deps, app);
  const { admission } = admitted;
  if (admission.applied.length === 0 && !deps.rates.active && !loopSettings.enabled) return undefined;
  // Independent counters, updated at once (with Redis they share one round trip); the ones with
  // nothing to count are not called.
  const counted = all([
    admission.applied.length > 0 ? deps.budgets.settle(admission, costNano) : undefined,
    deps.rates.countsUsage ? deps.rates.record(admitted.subject, tokens, costNano, now) : undefined,
    loopSettings.enabled ? deps.breaker.outcome(keyId, upstreamError, loopSettings, now) : false,
  ] as const);
  return andThen(counted, ([, , tripped]) => {
    if (tripped) {
      deps.alerts.raise('loop_detected', `errors:${keyId}:${now}`, `app ${admitted.subject.app}: ${loopSettings.maxConsecutiveErrors} upstream errors in a row; key ${keyId} paused for ${loopSettings.cooldownSeconds} s`, { app: admitted.subject.app, keyId });
    }
    return alertOnThresholds(deps, admission, costNano, now);
  });
}

/**
 * Raises the budget threshold and projection alerts that are due (each fires once per period). This
 * runs after every request: a hard budget's level comes from its reservation (what was spent then,
 * plus this request's cost; no read), and the full status is read only when an alert may be due.
 */
function alertOnThresholds(deps: ControlDeps, admission: Admission & { ok: true }, costNano: number, now: number): Maybe<void> {
  const pending: Promise<void>[] = [];
  for (let i = 0; i < admission.applied.length; i++) {
    const a = admission.applied[i]!;
    const reserved = admission.levels?.[i];
    if (!reserved) pending.push(deps.budgets.level(a, now).then((level) => (alertMayBeDue(a, level, now) ? raiseDue(deps, a, now) : undefined)));
    else if (alertMayBeDue(a, levelOf(a, now, { spentNano: reserved.spentNano + costNano, reservedNano: 0 }), now)) pending.push(raiseDue(deps, a, now));
  }
  return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
}

function alertMayBeDue(a: AppliedBudget, level: BudgetLevel, now: number): boolean {
  const projecting = a.budget.period !== 'rolling' && level.projectedNano > a.item.limitNano && now - a.window.start > 3_600_000;
  return projecting || a.budget.alertAt.some((t) => level.usedShare >= t);
}

async function raiseDue(deps: ControlDeps, a: AppliedBudget, now: number): Promise<void> {
  const status = await deps.budgets.statusOf(a, now);
  const base = `budget:${a.budget.id}:${a.value}:${a.window.key}`;
  for (const t of a.budget.alertAt) {
    if (status.usedShare < t) continue;
    deps.alerts.raise('budget_threshold', `${base}:${t}`, `budget "${a.budget.id}" (${a.budget.scope} ${a.value}) reached ${Math.round(t * 100)} % of $${a.budget.limitUsd}: $${status.spentUsd.toFixed(2)} spent`, { ...status, threshold: t });
  }
  if (a.budget.period !== 'rolling' && status.projectedUsd > a.budget.limitUsd && now - a.window.start > 3_600_000) {
    deps.alerts.raise('budget_projection', `${base}:projection`, `budget "${a.budget.id}" (${a.budget.scope} ${a.value}) is projected to reach $${status.projectedUsd.toFixed(2)} by ${status.resetsAt}, over its $${a.budget.limitUsd} limit`, { ...status });
  }
}
