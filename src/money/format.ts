import { nanoToUsd, type NanoUsd } from './nano.js';

/** "$1,234.56"; small amounts keep significant digits ("$0.0315", "$0.000042"). */
export function formatUsd(usd: number): string {
  const abs = Math.abs(usd);
  let digits = 2;
  if (abs > 0 && abs < 1) digits = Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(abs)) + 2));
  // Fixed-point and a regex for thousands: toLocaleString costs ~17 ms on its first call (ICU start-up).
  let [whole, frac = ''] = abs.toFixed(digits).split('.');
  frac = frac.replace(/0+$/, '').padEnd(2, '0');
  whole = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${usd < 0 && abs > 0 ? '-' : ''}$${whole}.${frac}`;
}

export function formatNano(nano: NanoUsd): string {
  return formatUsd(nanoToUsd(nano));
}

/** Plain decimal dollars with all nano digits, trailing zeros trimmed: for headers and CSV. */
export function nanoToDecimal(nano: NanoUsd): string {
  const sign = nano < 0 ? '-' : '';
  const abs = Math.abs(nano);
  const whole = Math.floor(abs / 1e9);
  const frac = String(abs % 1e9).padStart(9, '0').replace(/0+$/, '');
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** An integer with thousands separators ("12,345"), without ICU's start-up cost. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
