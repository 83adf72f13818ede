import { useEffect, useRef, type ReactNode } from 'react';
import type { RequestRow } from '../api/types';
import { useApi } from '../api/useApi';
import { ErrorBox, Loading } from '../components/Ui';
import { formatInt, formatMs, formatTime, formatUsd } from '../lib/format';

const KIND_LABEL: Record<string, string> = {
  input: 'Input (uncached)',
  cache_read: 'Cached input read',
  cache_write: 'Cache write (5 min)',
  cache_write_1h: 'Cache write (1 h)',
  output: 'Output',
  reasoning: 'of which reasoning',
  input_audio: 'Input audio',
  cache_audio_read: 'Cached audio read',
  output_audio: 'Output audio',
};

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

/** One ledger row: who, what model, tokens by kind, dollars, timings, routing and cache. */
export function RequestDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { data: r, error } = useApi<RequestRow>(`/api/requests/${encodeURIComponent(id)}`);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="request-title" data-testid="request-detail">
        <header className="section-head">
          <h2 id="request-title">Request {id}</h2>
          <button ref={closeRef} type="button" className="secondary small" onClick={onClose} data-testid="request-detail-close">
            Close
          </button>
        </header>
        <ErrorBox error={error} />
        {!r && !error && <Loading what="the request" />}
        {r && (
          <div className="detail-grid">
            <dl>
              <Field label="Cost" testId="detail-cost">
                <strong data-value={r.costUsd}>{formatUsd(r.costUsd)}</strong>
                {r.estimated && (
                  <span className="tag warn" data-testid="detail-estimated">
                    estimated
                  </span>
                )}
              </Field>
              <Field label="Saved">{formatUsd(r.savedUsd ?? 0)}</Field>
              <Field label="Time">{formatTime(r.ts)}</Field>
              <Field label="App">{r.app}</Field>
              <Field label="Feature">{r.feature ?? '—'}</Field>
              <Field label="Customer">{r.customer ?? '—'}</Field>
              <Field label="Conversation">{r.conversation ?? '—'}</Field>
              <Field label="Provider">{r.provider}</Field>
              <Field label="Model" testId="detail-model">
                {r.model}
                {r.requestedModel !== r.model && <span className="muted"> (asked for {r.requestedModel})</span>}
              </Field>
              <Field label="Routing">{r.route ?? 'none'}</Field>
              <Field label="Cache">{r.cache ?? 'not cacheable'}</Field>
              <Field label="Endpoint">
                {r.endpoint} {r.stream && <span className="tag">stream</span>}
              </Field>
              <Field label="Status">
                {r.status}
                {r.errorCode && <span className="tag bad">{r.errorCode}</span>}
              </Field>
              <Field label="Latency" testId="detail-latency">
                {formatMs(r.latencyMs)}
              </Field>
              <Field label="Time to first token">{formatMs(r.ttftMs)}</Field>
              {r.catalogVersion && <Field label="Priced with">{r.catalogVersion}</Field>}
            </dl>
            <table className="tokens" data-testid="detail-tokens">
              <caption>Tokens by kind</caption>
              <thead>
                <tr>
                  <th>Kind</th>
                  <th className="num">Tokens</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(r.usage)
                  .filter(([, n]) => n !== undefined)
                  .map(([kind, n]) => (
                    <tr key={kind}>
                      <td>{KIND_LABEL[kind] ?? kind}</td>
                      <td className="num">{formatInt(n)}</td>
                    </tr>
                  ))}
                <tr className="total">
                  <td>Total in / out</td>
                  <td className="num">
                    {formatInt(r.tokensIn)} / {formatInt(r.tokensOut)}
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
