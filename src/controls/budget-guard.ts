import type { BudgetState, CounterSnapshot, ReservationId, ReserveItem } from '../state/types.js';
import type { Budget, Scope } from './budget-schema.js';
import { hourBucket, periodWindow, rollingBuckets, type PeriodWindow } from './periods.js';
import { andThen, type Maybe } from '../util/maybe.js';

/** The attributes of a request that budgets are scoped by. */
export interface BudgetSubject {
  app: string;
  keyId: string | null;
  customer: string | null;
  feature: string | null;
  model: string;
}

const SUBJECT_FIELD: Record<Exclude<Scope, 'global'>, keyof BudgetSubject> = {
  app: 'app',
  key: 'keyId',
  customer: 'customer',
  feature: 'feature',
  model: 'model',
};

/** A budget as it applies to one request: which counter, which period. */
export interface AppliedBudget {
  budget: Budget;
  /** The scope's value this counter is for ('*' for global). */
  value: string;
  window: PeriodWindow;
  item: Omit<ReserveItem, 'amountNano'>;
}

export type Admission =
  /**
   * `levels`: each applied budget's spend and reservations once this request's reservation was added,
   * in `applied` order (undefined for soft budgets). An array, not a map by key: built per request.
   */
  | { ok: true; reservationId: ReservationId | undefined; applied: AppliedBudget[]; levels?: (CounterSnapshot | undefined)[] }
  | { ok: false; refusedBy: AppliedBudget; spentNano: number; reservedNano: number };

/** Sums of past spend, to rebuild counters from the ledger (by hour, for rolling windows). */
export type SpendSource = (from: number, scope: Scope, value: string) => Promise<Map<number, number>>;

const NANO = 1e9;
const HOUR = 3_600_000;

export function counterItem(budget: Budget, value: string, window: PeriodWindow, now: number): Omit<ReserveItem, 'amountNano'> {
  const base = `b:${budget.id}:${value}`;
  const limitNano = Math.round(budget.limitUsd * NANO);
  if (budget.period !== 'rolling') return { key: `${base}:${window.key}`, limitNano };
  return {
    key: `${base}:rolling`,
    spentKeys: rollingBuckets(budget.windowHours, now).map((h) => `${base}:${h}`),
    spendKey: `${base}:${hourBucket(now)}`,
    limitNano,
  };
}

/**
 * Admits a request only if every hard budget that covers it can hold its worst-case cost, reserving
 * that amount on all of them at once; settles to the real cost afterwards. Counters start from the
 * ledger the first time this process uses them, so a restart never resets spend.
 */
export class BudgetGuard {
  /** One rebuild per counter; concurrent first requests wait for the same one. */
  private readonly seeded = new Map<string, Promise<void>>();
  /** Counters whose rebuild finished: nothing to wait for (an await per budget per request otherwise). */
  private readonly ready = new Set<string>();
  /** Counters seen, for status of per-value budgets (e.g. each customer). */
  private readonly seen = new Map<string, AppliedBudget>();
  /**
   * Each budget's current period, reused until it ends (time-zone maths is slow), with its calendar
   * counters by scope value: the same for every request of the period, so built once, not per request.
   */
  private readonly periods = new Map<Budget, { window: PeriodWindow; applied: Map<string, AppliedBudget> }>();

  private periodOf(budget: Budget, now: number): { window: PeriodWindow; applied: Map<string, AppliedBudget> } {
    let p = this.periods.get(budget);
    if (!p || now >= p.window.end || now < p.window.start) {
      if (this.periods.size > 1000) this.periods.clear();
      this.periods.set(budget, (p = { window: periodWindow(budget, now), applied: new Map() }));
    }
    return p;
  }

  constructor(
    private readonly budgets: () => Budget[],
    private readonly state: BudgetState,
    private readonly spendSource: SpendSource,
    private readonly leaseMs = 10 * 60_000,
  ) {}

  /** False when no budget is configured: the gateway then skips reserving and settling. */
  get active(): boolean {
    return this.budgets().length > 0;
  }

  applicable(subject: BudgetSubject, now: number): AppliedBudget[] {
    const out: AppliedBudget[] = [];
    for (const budget of this.budgets()) {
      let value = '*';
      if (budget.scope !== 'global') {
        const actual = subject[SUBJECT_FIELD[budget.scope]];
        if (actual === null) continue;
        if (budget.match !== undefined && budget.match !== actual) continue;
        value = actual;
      }
      const { window, applied } = this.periodOf(budget, now);
      if (budget.period === 'rolling') {
        out.push({ budget, value, window, item: counterItem(budget, value, window, now) });
        continue;
      }
      let a = applied.get(value);
      if (!a) {
        // Bounded: per-customer budgets see many values.
        if (applied.size > 10_000) applied.clear();
        applied.set(value, (a = { budget, value, window, item: counterItem(budget, value, window, now) }));
      }
      out.push(a);
    }
    return out;
  }

  private seed(a: AppliedBudget): Promise<void> {
    let done = this.seeded.get(a.item.key);
    if (!done) {
      const rebuilding = this.rebuild(a);
      this.seeded.set(a.item.key, rebuilding);
      rebuilding.then(() => {
        if (this.seeded.get(a.item.key) === rebuilding) this.ready.add(a.item.key);
      }, () => {});
      // A rebuild that failed (the ledger database or Redis unreachable) is retried by the next request.
      rebuilding.catch(() => {
        if (this.seeded.get(a.item.key) === rebuilding) this.seeded.delete(a.item.key);
      });
      done = rebuilding;
    }
    return done;
  }

  private async rebuild(a: AppliedBudget): Promise<void> {
    const byHour = await this.spendSource(a.window.start, a.budget.scope, a.value);
    if (a.budget.period === 'rolling') {
      const base = `b:${a.budget.id}:${a.value}`;
      for (const [hour, nano] of byHour) await this.state.seed(`${base}:h${hour}`, nano);
    } else {
      let total = 0;
      for (const nano of byHour.values()) total += nano;
      await this.state.seed(a.item.key, total);
    }
  }

  /**
   * Reserves `worstCaseNano` on every hard budget covering the request, or refuses. `applied`: the
   * budgets `applicable` gave for this subject and time, when the caller already asked.
   */
  admit(subject: BudgetSubject, worstCaseNano: number, now: number, applied = this.applicable(subject, now)): Maybe<Admission> {
    let rebuilding: Promise<void>[] | undefined;
    for (const a of applied) {
      // A counter is ready only after a request saw it here: `seen` already has it.
      if (this.ready.has(a.item.key)) continue;
      (rebuilding ??= []).push(this.seed(a));
      this.seen.set(a.item.key, a);
    }
    return rebuilding ? Promise.all(rebuilding).then(() => this.reserve(applied, worstCaseNano)) : this.reserve(applied, worstCaseNano);
  }

  private reserve(applied: AppliedBudget[], worstCaseNano: number): Maybe<Admission> {
    const allHard = applied.every((a) => a.budget.mode === 'hard');
    const hard = allHard ? applied : applied.filter((a) => a.budget.mode === 'hard');
    if (hard.length === 0) return { ok: true, reservationId: undefined, applied };
    const items = hard.map((a) => ({ key: a.item.key, spentKeys: a.item.spentKeys, spendKey: a.item.spendKey, limitNano: a.item.limitNano, amountNano: worstCaseNano }));
    return andThen(this.state.reserve(items, this.leaseMs), (result): Admission => {
      if (result.ok) {
        let next = 0;
        const levels = allHard ? result.levels : applied.map((a) => (a.budget.mode === 'hard' ? result.levels[next++] : undefined));
        return { ok: true, reservationId: result.reservationId, applied, levels };
      }
      const refusedBy = hard.find((a) => a.item.key === result.key)!;
      return { ok: false, refusedBy, spentNano: result.spentNano, reservedNano: result.reservedNano };
    });
  }

  /** Books the real cost: hard budgets through their reservation, soft ones directly. */
  settle(admission: Admission & { ok: true }, actualNano: number): Maybe<void> {
    // A reservation that is gone (lease ended on a very long stream, Redis lost its data) still spent
    // money: book it directly, so the counter never falls behind the ledger.
    return andThen(admission.reservationId ? this.state.settle(admission.reservationId, actualNano) : false, (settled) => {
      const pending: Promise<void>[] = [];
      for (const a of admission.applied) {
        const booked = a.budget.mode === 'hard' && settled;
        if (booked || actualNano <= 0) continue;
        const added = this.state.add(a.item.spendKey ?? a.item.key, actualNano);
        if (added instanceof Promise) pending.push(added);
      }
      return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
    });
  }

  /** Forgets which counters were rebuilt, so they are rebuilt again (Redis came back empty). */
  forgetSeeds(): void {
    this.seeded.clear();
    this.ready.clear();
  }

  async release(admission: Admission & { ok: true }): Promise<void> {
    if (admission.reservationId) await this.state.release(admission.reservationId);
  }

  /**
   * What is left on the tightest hard budget covering the request, from the reservation's own levels
   * (no read, no await on the hot path); undefined when a level is missing or no hard budget applies.
   */
  knownRemaining(admission: Admission & { ok: true }): number | undefined {
    return tightestRemaining(admission.applied, (_, i) => admission.levels?.[i]);
  }

  /** What is left on the tightest hard budget covering the request, in nano-USD (from the reservation's own levels when it has them). */
  async remaining(admission: Admission & { ok: true }): Promise<number | undefined> {
    const snapshots: (CounterSnapshot | undefined)[] = [];
    for (const [i, a] of admission.applied.entries()) {
      if (a.budget.mode === 'hard') snapshots[i] = admission.levels?.[i] ?? (await this.state.snapshot(a.item));
    }
    return tightestRemaining(admission.applied, (_, i) => snapshots[i]);
  }

  /** Every budget's state now: spent, reserved, remaining, reset time, projected spend at period end. */
  async status(now: number): Promise<BudgetStatus[]> {
    const out: BudgetStatus[] = [];
    for (const budget of this.budgets()) {
      const values = new Set<string>();
      if (budget.scope === 'global') values.add('*');
      else if (budget.match) values.add(budget.match);
      for (const a of this.seen.values()) if (a.budget.id === budget.id) values.add(a.value);
      for (const value of values) {
        const { window } = this.periodOf(budget, now);
        out.push(await this.statusOf({ budget, value, window, item: counterItem(budget, value, window, now) }, now));
      }
    }
    return out;
  }

  /**
   * How full a budget counter is, and its projected spend at period end (what alerts check after every
   * request). `known`: the counter as the request's reservation saw it, when it has one (no read).
   */
  async level(applied: AppliedBudget, now: number, known?: CounterSnapshot): Promise<BudgetLevel> {
    if (known) return levelOf(applied, now, known);
    await this.seed(applied);
    return levelOf(applied, now, await this.state.snapshot(applied.item));
  }

  /** One budget counter's state. */
  async statusOf(applied: AppliedBudget, now: number): Promise<BudgetStatus> {
    const { budget, value, window } = applied;
    const s = await this.level(applied, now);
    const limitNano = applied.item.limitNano;
    const projected = s.projectedNano;
    return {
      id: budget.id,
      scope: budget.scope,
      value,
      mode: budget.mode,
      period: budget.period,
      limitUsd: budget.limitUsd,
      spentUsd: s.spentNano / NANO,
      reservedUsd: s.reservedNano / NANO,
      remainingUsd: Math.max(0, limitNano - s.spentNano - s.reservedNano) / NANO,
      spentNano: s.spentNano,
      reservedNano: s.reservedNano,
      periodStart: new Date(window.start).toISOString(),
      resetsAt: new Date(window.end).toISOString(),
      projectedUsd: Math.round(projected) / NANO,
      usedShare: s.spentNano / limitNano,
    };
  }
}

/** The least room left on any hard budget, given each one's counter; undefined when one is unknown or none is hard. */
function tightestRemaining(applied: AppliedBudget[], counterOf: (a: AppliedBudget, index: number) => CounterSnapshot | undefined): number | undefined {
  let min: number | undefined;
  for (let i = 0; i < applied.length; i++) {
    const a = applied[i]!;
    if (a.budget.mode !== 'hard') continue;
    const s = counterOf(a, i);
    if (!s) return undefined;
    const left = Math.max(0, a.item.limitNano - s.spentNano - s.reservedNano);
    min = min === undefined ? left : Math.min(min, left);
  }
  return min;
}

export interface BudgetLevel {
  spentNano: number;
  reservedNano: number;
  usedShare: number;
  projectedNano: number;
}

/** How full a counter is, from a snapshot of it, and its spend projected to the period's end. */
export function levelOf(applied: AppliedBudget, now: number, s: CounterSnapshot): BudgetLevel {
  const { budget, window } = applied;
  const elapsed = Math.max(HOUR / 60, now - window.start);
  const projectedNano = budget.period === 'rolling' ? s.spentNano : (s.spentNano / elapsed) * (window.end - window.start);
  return { spentNano: s.spentNano, reservedNano: s.reservedNano, usedShare: s.spentNano / applied.item.limitNano, projectedNano };
}

export interface BudgetStatus {
  id: string;
  scope: Scope;
  value: string;
  mode: 'hard' | 'soft';
  period: Budget['period'];
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  spentNano: number;
  reservedNano: number;
  periodStart: string;
  resetsAt: string;
  projectedUsd: number;
  usedShare: number;
}
