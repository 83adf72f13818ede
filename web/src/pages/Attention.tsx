import { useState } from 'react';
import { api, ApiError } from '../api/client';
import type { AttentionAck, AttentionItem, AttentionKind, StatusReport } from '../api/types';
import { useApi } from '../api/useApi';
import { ErrorBox, Loading, Section } from '../components/Ui';
import { navigate } from '../lib/router';

/** Items shown before "show all": the panel stays compact on the overview. */
const FIRST_ITEMS = 5;

const KIND_LABELS: Record<AttentionKind, string> = {
  no_owner: 'no owner',
  review_overdue: 'review overdue',
  budget_near_limit: 'budget',
  alert: 'alert',
  unknown_model: 'unpriced model',
  model_version_change: 'model changed',
  model_lifecycle: 'model lifecycle',
};
const SEVERITY_CLASS = { high: 'tag bad', medium: 'tag warn', low: 'tag' } as const;
/** Kinds the model review page answers. */
const REVIEW_KINDS = new Set<AttentionKind>(['review_overdue', 'model_lifecycle']);

function AppsLine({ status }: { status: StatusReport }) {
  const now = Date.parse(status.generatedAt);
  const noOwner = status.apps.filter((a) => !a.owner).map((a) => a.app);
  const overdue = status.apps.filter((a) => a.reviewDue !== null && Date.parse(a.reviewDue) <= now).map((a) => a.app);
  if (status.apps.length === 0) return null;
  if (!noOwner.length && !overdue.length) {
    return (
      <p className="small-text good" data-testid="attention-apps">
        Every app has an owner and its model review is up to date.
      </p>
    );
  }
  return (
    <p className="small-text" data-testid="attention-apps">
      {noOwner.length > 0 && (
        <span data-testid="attention-no-owner">
          Without an owner: <strong>{noOwner.join(', ')}</strong>
        </span>
      )}
      {noOwner.length > 0 && overdue.length > 0 && ' · '}
      {overdue.length > 0 && (
        <span data-testid="attention-overdue">
          Review overdue: <strong>{overdue.join(', ')}</strong> (
          <button type="button" className="link" onClick={() => navigate('/model-review')}>
            model review
          </button>
          )
        </span>
      )}
    </p>
  );
}

/** The overview's "Needs attention" panel: open items of `GET /api/status`, each acknowledged with one click. */
export function NeedsAttention() {
  const status = useApi<StatusReport>('/api/status');
  const [acked, setAcked] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [all, setAll] = useState(false);

  const acknowledge = async (item: AttentionItem) => {
    setBusy(item.key);
    setError(undefined);
    try {
      await api<AttentionAck>('/api/attention/ack', { method: 'POST', body: { key: item.key } });
      setAcked((s) => new Set([...s, item.key]));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(undefined);
    }
  };

  const open = (status.data?.items ?? []).filter((i) => !i.acknowledged && !acked.has(i.key));
  const shown = all ? open : open.slice(0, FIRST_ITEMS);
  return (
    <Section title="Needs attention" testId="attention" actions={status.data && <span className="muted small-text" data-testid="attention-count">{open.length} open</span>}>
      <ErrorBox error={status.error ?? error} testId="attention-error" />
      {!status.data && !status.error && <Loading what="what needs attention" />}
      {status.data && (
        <>
          <AppsLine status={status.data} />
          {open.length === 0 && <p className="muted">Nothing needs attention.</p>}
          <ul className="plain attention">
            {shown.map((i) => (
              <li key={i.key} data-testid="attention-item" data-key={i.key} data-kind={i.kind}>
                <div className="attention-head">
                  <span className={SEVERITY_CLASS[i.severity]}>{i.severity}</span>
                  <span className="tag">{KIND_LABELS[i.kind] ?? String(i.kind).replaceAll('_', ' ')}</span>
                  {i.app && <strong>{i.app}</strong>}
                  <span className="attention-message">
                    {i.message}
                    {i.owner && <span className="muted"> · owner {i.owner}</span>}
                  </span>
                  <span className="attention-actions">
                    {REVIEW_KINDS.has(i.kind) && (
                      <button type="button" className="link small-text" onClick={() => navigate('/model-review')}>
                        Review
                      </button>
                    )}
                    <button type="button" className="secondary small" disabled={busy !== undefined} onClick={() => void acknowledge(i)} data-testid="attention-ack">
                      Acknowledge
                    </button>
                  </span>
                </div>
              </li>
            ))}
          </ul>
          {open.length > FIRST_ITEMS && (
            <button type="button" className="link small-text" onClick={() => setAll((v) => !v)} aria-expanded={all} data-testid="attention-all">
              {all ? 'Show fewer' : `Show all ${open.length}`}
            </button>
          )}
        </>
      )}
    </Section>
  );
}
