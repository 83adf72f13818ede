import { useState } from 'react';
import { query } from '../api/client';
import type { RequestPage, RequestRow } from '../api/types';
import { useApi } from '../api/useApi';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox, Loading, Section } from '../components/Ui';
import { addDays } from '../lib/dates';
import { formatInt, formatMs, formatTime, formatUsd } from '../lib/format';
import { RequestDetail } from './RequestDetail';

const PAGE = 50;

const columns: Column<RequestRow>[] = [
  { key: 'ts', label: 'Time', value: (r) => r.ts, render: (r) => formatTime(r.ts) },
  { key: 'app', label: 'App', value: (r) => r.app },
  { key: 'model', label: 'Model', value: (r) => r.model },
  { key: 'feature', label: 'Feature', value: (r) => r.feature },
  { key: 'customer', label: 'Customer', value: (r) => r.customer },
  { key: 'tokensIn', label: 'Tokens in', value: (r) => r.tokensIn, render: (r) => formatInt(r.tokensIn), numeric: true },
  { key: 'tokensOut', label: 'Tokens out', value: (r) => r.tokensOut, render: (r) => formatInt(r.tokensOut), numeric: true },
  { key: 'costUsd', label: 'Cost (USD)', value: (r) => r.costUsd, render: (r) => formatUsd(r.costUsd), numeric: true },
  { key: 'latencyMs', label: 'Latency (ms)', value: (r) => r.latencyMs, render: (r) => formatMs(r.latencyMs), numeric: true },
  { key: 'status', label: 'Status', value: (r) => r.status, numeric: true },
  { key: 'cache', label: 'Cache', value: (r) => r.cache },
  { key: 'id', label: 'Request id', value: (r) => r.id },
];

/** The requests behind one day's bar, newest first, 50 at a time. */
export function DayRequests({ day, filters, onClose }: { day: string; filters: Record<string, string | undefined>; onClose: () => void }) {
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string>();
  const page = useApi<RequestPage>(`/api/requests${query({ from: day, to: addDays(day, 1), ...filters, limit: PAGE, offset })}`);
  const total = page.data?.total ?? 0;

  return (
    <Section
      title={`Requests on ${day}`}
      testId="day-requests"
      actions={
        <button type="button" className="secondary small" onClick={onClose} data-testid="day-requests-close">
          Close
        </button>
      }
    >
      <ErrorBox error={page.error} />
      {page.data ? (
        <>
          <DataTable rows={page.data.rows} columns={columns} rowKey={(r) => r.id} testId="requests-table" exportName={`burnrate-requests-${day}-${offset}`} onOpen={(r) => setOpen(r.id)} />
          <div className="pager">
            <span className="muted" data-testid="requests-total">
              {total === 0 ? 'No requests' : `${offset + 1}–${Math.min(total, offset + PAGE)} of ${formatInt(total)}`}
            </span>
            <button type="button" className="secondary small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Newer
            </button>
            <button type="button" className="secondary small" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)} data-testid="requests-next">
              Older
            </button>
          </div>
        </>
      ) : (
        <Loading what="requests" />
      )}
      {open && <RequestDetail id={open} onClose={() => setOpen(undefined)} />}
    </Section>
  );
}
