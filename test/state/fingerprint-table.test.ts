import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { fingerprint, FingerprintTable } from '../../src/state/fingerprint-table.js';
import { MemoryWindowState } from '../../src/state/index.js';

const bodyKey = (i: number) => `lb:rep:key_1:${createHash('sha1').update(`body ${i}`).digest('base64url')}`;

describe('key fingerprints', () => {
  it('differ for 300,000 distinct loop-breaker keys and for keys one character apart, and are never 0', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 300_000; i++) seen.add(fingerprint(bodyKey(i)));
    for (let i = 0; i < 100_000; i++) seen.add(fingerprint(`rl:app:app-${i}:rpm`));
    expect(seen.size).toBe(400_000);
    expect(seen.has(0)).toBe(false);
    expect(fingerprint('')).not.toBe(0);
    expect(fingerprint('ab')).not.toBe(fingerprint('ba'));
    for (const f of [fingerprint('x'), fingerprint(bodyKey(1))]) expect(Number.isSafeInteger(f)).toBe(true);
  });
});

describe('fingerprint table', () => {
  it('keeps every value through growth, deletes and reinsertions', () => {
    const t = new FingerprintTable(16);
    const expected = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const fp = fingerprint(`k${i}`);
      t.set(fp, i);
      expected.set(fp, i);
      if (i % 3 === 0) {
        t.delete(fp);
        expected.delete(fp);
      }
      if (i % 7 === 0) {
        t.set(fp, -1); // a deleted key comes back
        expected.set(fp, -1);
      }
    }
    expect(t.size).toBe(expected.size);
    for (const [fp, v] of expected) expect(t.get(fp)).toBe(v);
    expect(t.get(fingerprint('never set'))).toBeUndefined();
    t.delete(fingerprint('never set'));
    expect(t.size).toBe(expected.size);
  });

  it('stays usable when deletes and inserts churn at a constant size (deleted slots are reclaimed)', () => {
    const t = new FingerprintTable(1024);
    for (let i = 0; i < 200_000; i++) {
      t.set(fingerprint(`k${i}`), i);
      if (i >= 100) t.delete(fingerprint(`k${i - 100}`));
    }
    expect(t.size).toBe(100);
    expect(t.get(fingerprint('k199999'))).toBe(199_999);
    expect(t.get(fingerprint('k199899'))).toBeUndefined();
  });
});

describe('in-process windows of many one-hit series', () => {
  it('count a second hit of each of 20,000 bodies, in the same generation or the next', () => {
    const w = new MemoryWindowState();
    const t0 = Math.floor(Date.now() / 60_000) * 60_000;
    for (let i = 0; i < 20_000; i++) expect(w.hit(bodyKey(i), 1, 60_000, t0 + i)).toBe(1);
    // The first half again within the same generation, the second half after it turned (30 s).
    for (let i = 0; i < 10_000; i++) expect(w.hit(bodyKey(i), 1, 60_000, t0 + 20_000 + i)).toBe(2);
    for (let i = 10_000; i < 20_000; i++) expect(w.hit(bodyKey(i), 1, 60_000, t0 + 31_000 + i)).toBe(2);
    expect(w.size).toBe(20_000);
    expect(w.peek(bodyKey(5), 60_000, t0 + 55_000)).toBe(2);
    w.reset(bodyKey(5));
    expect(w.peek(bodyKey(5), 60_000, t0 + 55_000)).toBe(0);
    expect(w.peek(bodyKey(20_001), 60_000, t0 + 55_000)).toBe(0);
    // Past the window, the old hits no longer count.
    expect(w.hit(bodyKey(15_000), 1, 60_000, t0 + 200_000)).toBe(1);
  });
});
