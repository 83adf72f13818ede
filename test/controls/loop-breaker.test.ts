import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { bodyTagOf, DEFAULT_LOOP_BREAKER, LoopBreaker } from '../../src/controls/index.js';
import { MemoryWindowState } from '../../src/state/index.js';
import { startRig, type TestRig } from '../helpers/gateway.js';

/** A deterministic PRNG so the replay is the same every run. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 2 ** 32;
    return seed / 2 ** 32;
  };
}

describe('runaway-loop breaker', () => {
  it('never trips on a realistic day of traffic with legitimate repeats and SDK retries', async () => {
    const breaker = new LoopBreaker(new MemoryWindowState());
    const random = prng(42);
    const faqs = ['What are your opening hours?', 'How do I reset my password?', 'Where is my order?', 'Do you ship abroad?'];
    let t = Date.parse('2026-11-20T08:00:00Z');
    let trips = 0;
    let requests = 0;
    // 10 hours of a busy support bot: one request every ~1.5 s on one key; a third are FAQ repeats,
    // 3 % fail upstream and are retried twice by the SDK with the same body.
    for (let i = 0; i < 24_000; i++) {
      t += Math.round(-Math.log(1 - random()) * 1500);
      const body = random() < 0.33 ? faqs[Math.floor(random() * faqs.length)]! : `question ${i}`;
      const failed = random() < 0.03;
      for (let attempt = 0; attempt < (failed ? 3 : 1); attempt++) {
        requests++;
        const verdict = await breaker.check('key_support', body, DEFAULT_LOOP_BREAKER, t + attempt * 500);
        if (!verdict.ok) trips++;
        await breaker.outcome('key_support', failed && attempt < 2, DEFAULT_LOOP_BREAKER, t + attempt * 500);
      }
    }
    expect(requests).toBeGreaterThan(24_000);
    expect(trips).toBe(0);
  });

  it('trips on a tight retry loop within 5 s, and on a burst of consecutive upstream errors', async () => {
    const breaker = new LoopBreaker(new MemoryWindowState());
    const t0 = Date.parse('2026-11-21T02:00:00Z'); // Saturday night
    let trippedAt: number | undefined;
    for (let i = 0; i < 100 && trippedAt === undefined; i++) {
      const now = t0 + i * 200; // 5 requests a second, the same body
      if (!(await breaker.check('key_batch', 'summarise report 17', DEFAULT_LOOP_BREAKER, now)).ok) trippedAt = now;
    }
    expect(trippedAt! - t0).toBeLessThan(5000);
    // Still refused during the cool-down, open again after it.
    expect((await breaker.check('key_batch', 'summarise report 17', DEFAULT_LOOP_BREAKER, trippedAt! + 60_000)).ok).toBe(false);
    expect((await breaker.check('key_batch', 'summarise report 17', DEFAULT_LOOP_BREAKER, trippedAt! + 301_000)).ok).toBe(true);

    let errorTrip = false;
    for (let i = 0; i < DEFAULT_LOOP_BREAKER.maxConsecutiveErrors; i++) errorTrip = await breaker.outcome('key_etl', true, DEFAULT_LOOP_BREAKER, t0 + i * 100);
    expect(errorTrip).toBe(true);
    const verdict = await breaker.check('key_etl', 'a different request', DEFAULT_LOOP_BREAKER, t0 + 2000);
    expect(verdict).toMatchObject({ ok: false });
  });
});

describe('body tags', () => {
  it('carry all 32 bits of the CRC-32 and the length: equal bytes share a tag, near ones do not', () => {
    const body = (i: number) => Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Where is parcel ${i}?` }] }));
    const tags = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const bytes = body(i);
      const tag = bodyTagOf(bytes);
      expect(bodyTagOf(Buffer.from(bytes))).toBe(tag);
      let decoded = 0;
      for (let d = 5; d >= 0; d--) decoded = decoded * 64 + (tag.charCodeAt(d) - 48);
      expect(decoded).toBe(crc32(bytes));
      expect(tag.slice(6)).toBe(String(bytes.length));
      tags.add(tag);
    }
    expect(tags.size).toBe(20_000);
    expect(bodyTagOf(Buffer.from('{"a":1} '))).not.toBe(bodyTagOf(Buffer.from('{"a":1}')));
  });
});

describe('loop breaker and rate limits in the gateway', () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({ rateLimits: [{ scope: 'customer', requestsPerMinute: 3 }] });
  });
  afterAll(() => rig.close());

  const send = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${rig.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('stops a tight loop with loop_detected before it reaches the provider, and alerts', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'retry me forever' }] };
    const started = Date.now();
    let res: Response | undefined;
    for (let i = 0; i < 50; i++) {
      res = await send(body);
      if (res.status === 429) break;
    }
    expect(res!.status).toBe(429);
    expect(Date.now() - started).toBeLessThan(5000);
    const json = await res!.json();
    expect(json.error.code).toBe('loop_detected');
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
    const calls = rig.upstream.calls;
    expect((await send(body)).status).toBe(429);
    expect(rig.upstream.calls).toBe(calls);
    const alerts = await (await rig.admin('/api/alerts')).json();
    expect(alerts.alerts.some((a: { kind: string }) => a.kind === 'loop_detected')).toBe(true);
  });

  it('rate-limits requests per minute per customer with standard headers', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hello ${i}` }] }, { 'x-burnrate-customer': 'cust-9' });
      statuses.push(res.status);
      if (res.status === 429) {
        expect((await res.json()).error.code).toBe('rate_limited');
        expect(res.headers.get('retry-after')).toBeTruthy();
        expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      } else {
        expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another customer is not affected.
    expect((await send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { 'x-burnrate-customer': 'cust-10' })).status).toBe(200);
  });
});
