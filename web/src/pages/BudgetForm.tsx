import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';

const SCOPES = ['global', 'app', 'key', 'customer', 'feature', 'model'] as const;

interface Draft {
  id: string;
  scope: (typeof SCOPES)[number];
  match: string;
  limitUsd: string;
  period: 'day' | 'week' | 'month' | 'rolling';
  mode: 'hard' | 'soft';
  onLimit: 'reject' | 'downgrade' | 'clamp';
  downgradeTo: string;
  timeZone: string;
}

const EMPTY: Draft = { id: '', scope: 'global', match: '', limitUsd: '', period: 'month', mode: 'hard', onLimit: 'reject', downgradeTo: '', timeZone: 'UTC' };

/** The request body: only the fields that apply. Validation is the server's (its 400 message is shown). */
function body(d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = { id: d.id.trim(), scope: d.scope, limitUsd: Number(d.limitUsd), period: d.period, mode: d.mode, timeZone: d.timeZone.trim() || 'UTC' };
  if (d.scope !== 'global' && d.match.trim()) out.match = d.match.trim();
  if (d.mode === 'hard') out.onLimit = d.onLimit;
  if (d.mode === 'hard' && d.onLimit === 'downgrade') out.downgradeTo = d.downgradeTo.trim();
  return out;
}

export function BudgetForm({ onCreated }: { onCreated: () => void }) {
  const [d, setD] = useState<Draft>(EMPTY);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await api<{ budget: { id: string } }>('/api/budgets', { method: 'POST', body: body(d) });
      setDone(`Budget ${r.budget.id} saved.`);
      setD(EMPTY);
      onCreated();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="budget-form" noValidate>
      <label>
        <span>Name (id)</span>
        <input value={d.id} onChange={(e) => set('id', e.target.value)} placeholder="monthly-total" data-testid="budget-id" />
      </label>
      <label>
        <span>Limit (USD)</span>
        <input type="number" inputMode="decimal" min="0" step="any" value={d.limitUsd} onChange={(e) => set('limitUsd', e.target.value)} data-testid="budget-limit-input" />
      </label>
      <label>
        <span>Period</span>
        <select value={d.period} onChange={(e) => set('period', e.target.value as Draft['period'])} data-testid="budget-period">
          <option value="day">Day</option>
          <option value="week">Week</option>
          <option value="month">Month</option>
          <option value="rolling">Rolling 24 h</option>
        </select>
      </label>
      <label>
        <span>Scope</span>
        <select value={d.scope} onChange={(e) => set('scope', e.target.value as Draft['scope'])} data-testid="budget-scope">
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {d.scope !== 'global' && (
        <label>
          <span>Only for {d.scope} (empty: each {d.scope} its own)</span>
          <input value={d.match} onChange={(e) => set('match', e.target.value)} data-testid="budget-match" />
        </label>
      )}
      <label>
        <span>Mode</span>
        <select value={d.mode} onChange={(e) => set('mode', e.target.value as Draft['mode'])} data-testid="budget-mode">
          <option value="hard">Hard: enforce</option>
          <option value="soft">Soft: alert only</option>
        </select>
      </label>
      {d.mode === 'hard' && (
        <label>
          <span>At the limit</span>
          <select value={d.onLimit} onChange={(e) => set('onLimit', e.target.value as Draft['onLimit'])} data-testid="budget-onlimit">
            <option value="reject">Reject the request</option>
            <option value="downgrade">Downgrade to a cheaper model</option>
            <option value="clamp">Clamp max_tokens to what fits</option>
          </select>
        </label>
      )}
      {d.mode === 'hard' && d.onLimit === 'downgrade' && (
        <label>
          <span>Cheaper model</span>
          <input value={d.downgradeTo} onChange={(e) => set('downgradeTo', e.target.value)} placeholder="gpt-4o-mini" data-testid="budget-downgrade" />
        </label>
      )}
      <label>
        <span>Time zone</span>
        <input value={d.timeZone} onChange={(e) => set('timeZone', e.target.value)} data-testid="budget-tz" />
      </label>
      <div className="form-actions">
        <button type="submit" disabled={busy} data-testid="budget-submit">
          {busy ? 'Saving…' : 'Create budget'}
        </button>
        {done && (
          <span className="good" role="status" data-testid="budget-saved">
            {done}
          </span>
        )}
      </div>
      {error && (
        <div className="error wide" role="alert" data-testid="budget-error">
          <strong>Not saved:</strong> {error.message}
          {error.code && <span className="muted"> ({error.code})</span>}
        </div>
      )}
    </form>
  );
}
