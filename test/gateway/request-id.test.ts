import { describe, expect, it } from 'vitest';
import { requestId } from '../../src/util/request-id.js';

describe('request ids', () => {
  it('sort by time, are unique and hex after the prefix', () => {
    const t = Date.parse('2026-11-27T10:00:00Z');
    const ids = Array.from({ length: 10_000 }, (_, i) => requestId('req_', t + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    // Later milliseconds sort after earlier ones, whatever the random part.
    for (let i = 10; i < ids.length; i += 10) expect(ids[i]! > ids[i - 10]!).toBe(true);
    expect(requestId('req_demo_', t).startsWith(`req_demo_${t.toString(16).padStart(12, '0')}`)).toBe(true);
  });

  it('carry the millisecond they are given, also when times alternate', () => {
    const t = Date.parse('2026-11-27T10:00:00Z');
    const times = [t, t, t + 1, t, t + 4096, t + 4096, t - 1, t];
    for (const ms of times) expect(requestId('req_', ms).slice(4, 16)).toBe(ms.toString(16).padStart(12, '0'));
  });
});
