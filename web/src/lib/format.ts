/** Display formatting. Pure functions (no DOM): the e2e test formats the API's numbers with them too. */

const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdCents = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const usdTiny = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 });
const usdShort = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/**
 * Money: `$1,234.56` from a dollar up; `$0.25`, `$0.0531` below; `$0.0031`, `$0.00042` below a cent
 * (two significant digits, so a small per-request cost never shows as $0.00).
 */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  const abs = Math.abs(usd);
  if (abs === 0) return '$0.00';
  if (abs >= 1) return usd2.format(usd);
  if (abs >= 0.01) return usdCents.format(usd);
  return usdTiny.format(usd);
}

/** Axis labels: $1.2K, $35, $0.004. */
export function formatUsdAxis(usd: number): string {
  const abs = Math.abs(usd);
  if (abs >= 1000) return usdShort.format(usd);
  if (abs >= 1 || abs === 0) return `$${int.format(usd)}`;
  return formatUsd(usd);
}

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : int.format(n);
}

export function formatCompact(n: number): string {
  return compact.format(n);
}

export function formatPercent(share: number, digits = 0): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(digits)} %` : '—';
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${int.format(ms)} ms`;
}

/** `2026-11-05 14:03:12` in the viewer's time zone. */
export function formatTime(t: number | string): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `Nov 30, 2026` (a calendar date, shown as UTC, like the API's days). */
export function formatDate(t: number | string): string {
  return new Date(t).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}
