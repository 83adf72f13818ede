import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ceilDiv, formatUsd, nanoToDecimal, nanoToUsd, usdToNano } from '../../src/money/index.js';

describe('money', () => {
  it('converts dollars to nano-USD rounding up, never down', () => {
    expect(usdToNano(0.0315)).toBe(31_500_000);
    expect(usdToNano(1)).toBe(1_000_000_000);
    expect(usdToNano(1e-10)).toBe(1);
    expect(usdToNano(0)).toBe(0);
    fc.assert(fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (usd) => usdToNano(usd) >= usd * 1e9 - 1e-3));
  });

  it('rejects non-finite amounts', () => {
    expect(() => usdToNano(Number.NaN)).toThrow(/finite/);
  });

  it('ceilDiv rounds up', () => {
    expect(ceilDiv(10, 3)).toBe(4);
    expect(ceilDiv(9, 3)).toBe(3);
    expect(ceilDiv(0, 3)).toBe(0);
  });

  it('formats money for people and machines', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0.0315)).toBe('$0.0315');
    expect(nanoToDecimal(31_500_000)).toBe('0.0315');
    expect(nanoToDecimal(2_000_000_001)).toBe('2.000000001');
    expect(nanoToDecimal(0)).toBe('0');
    expect(nanoToUsd(1_500_000_000)).toBe(1.5);
  });
});
