/** The dashboard's pure helpers: CSV export (RFC 4180) and money formatting. */
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../web/src/lib/csv.js';
import { formatUsd } from '../../web/src/lib/format.js';

describe('CSV export', () => {
  it('quotes fields with commas, quotes, CR or LF, doubles quotes, ends lines with CRLF', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.0031)).toBe('0.0031');
    expect(toCsv(['key', 'cost'], [['acme, inc', 1.5], ['x', null]])).toBe('key,cost\r\n"acme, inc",1.5\r\nx,\r\n');
  });
});

describe('money', () => {
  it('shows dollars with cents, and small amounts with two significant digits', () => {
    expect(formatUsd(1234.56)).toBe('$1,234.56');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(1)).toBe('$1.00');
    expect(formatUsd(0.25)).toBe('$0.25');
    expect(formatUsd(0.0531)).toBe('$0.0531');
    expect(formatUsd(0.0031)).toBe('$0.0031');
    expect(formatUsd(0.00042)).toBe('$0.00042');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(-12.3)).toBe('-$12.30');
    expect(formatUsd(Number.NaN)).toBe('—');
  });
});
