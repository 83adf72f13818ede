import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { formatUsd } from '../lib/format';

/** A headline number. `value` is exposed as data-value so tests compare it with the API's. */
export function Stat({ label, usd, sub, testId }: { label: string; usd: number; sub?: ReactNode; testId: string }) {
  return (
    <div className="stat card" data-testid={testId} data-value={usd}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{formatUsd(usd)}</div>
      {sub && <div className="stat-sub muted">{sub}</div>}
    </div>
  );
}

export function ErrorBox({ error, testId = 'error' }: { error: ApiError | Error | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid={testId}>
      {error.message}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function Section({ title, actions, children, testId }: { title: string; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <header className="section-head">
        <h2>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A row of mutually exclusive choices (e.g. stack by model / app). */
export function Toggle<V extends string>({ label, value, options, onChange, testId }: { label: string; value: V; options: { value: V; label: string }[]; onChange: (v: V) => void; testId: string }) {
  return (
    <div className="toggle" role="group" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button key={o.value} type="button" aria-pressed={o.value === value} onClick={() => onChange(o.value)} data-testid={`${testId}-${o.value}`}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** A bar showing a share of a limit (budgets). */
export function Meter({ share, label }: { share: number; label: string }) {
  const pct = Math.max(0, Math.min(1, share)) * 100;
  const level = share >= 1 ? 'over' : share >= 0.8 ? 'warn' : 'ok';
  return (
    <div className={`meter ${level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}
