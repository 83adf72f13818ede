import { useMemo, useState, type ReactNode } from 'react';
import { toCsv, type CsvValue } from '../lib/csv';
import { downloadCsv } from '../lib/download';

export interface Column<T> {
  key: string;
  label: string;
  /** The raw value: sorts the column and goes into the CSV. */
  value: (row: T) => string | number | boolean | null;
  /** How the cell shows (default: the raw value). */
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

interface DataTableProps<T> {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  testId: string;
  /** Name of the exported file, without `.csv`. */
  exportName: string;
  caption?: string;
  initialSort?: { key: string; desc: boolean };
  /** Makes the first cell a button that opens the row. */
  onOpen?: (row: T) => void;
  empty?: string;
}

function compare(a: string | number | boolean | null, b: string | number | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** A table that sorts by any column (click its header) and exports what it shows as CSV. */
export function DataTable<T>({ rows, columns, rowKey, testId, exportName, caption, initialSort, onOpen, empty = 'Nothing to show.' }: DataTableProps<T>) {
  const [sort, setSort] = useState(initialSort);
  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sort?.key);
    if (!col || !sort) return rows;
    const out = [...rows].sort((x, y) => compare(col.value(x), col.value(y)));
    return sort.desc ? out.reverse() : out;
  }, [rows, columns, sort]);

  const exportCsv = () => {
    const body: CsvValue[][] = sorted.map((r) => columns.map((c) => c.value(r)));
    downloadCsv(`${exportName}.csv`, toCsv(columns.map((c) => c.label), body));
  };

  return (
    <div className="table-wrap" data-testid={testId}>
      <div className="table-tools">
        {caption && <span className="muted">{caption}</span>}
        <button type="button" className="secondary small" onClick={exportCsv} data-testid={`${testId}-csv`} disabled={rows.length === 0}>
          Export CSV
        </button>
      </div>
      <div className="scroll-x">
        <table>
          <thead>
            <tr>
              {columns.map((c) => {
                const active = sort?.key === c.key;
                return (
                  <th key={c.key} className={c.numeric ? 'num' : undefined} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                    <button
                      type="button"
                      className="sort"
                      data-testid={`${testId}-sort-${c.key}`}
                      onClick={() => setSort({ key: c.key, desc: active ? !sort.desc : c.numeric === true })}
                    >
                      {c.label}
                      <span aria-hidden="true">{active ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="muted">
                  {empty}
                </td>
              </tr>
            )}
            {sorted.map((r) => (
              <tr key={rowKey(r)} data-testid={`${testId}-row`} data-key={rowKey(r)}>
                {columns.map((c, i) => {
                  const shown = c.render ? c.render(r) : String(c.value(r) ?? '—');
                  return (
                    <td key={c.key} className={c.numeric ? 'num' : undefined} data-col={c.key} data-value={String(c.value(r) ?? '')}>
                      {i === 0 && onOpen ? (
                        <button type="button" className="link" onClick={() => onOpen(r)} data-testid={`${testId}-open`}>
                          {shown}
                        </button>
                      ) : (
                        shown
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
