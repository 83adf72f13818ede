import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unavailableError } from '../../src/gateway/errors.js';
import { BudgetCountersLostError } from '../../src/state/redis/redis-budget-state.js';
import { startRig, type TestRig } from '../helpers/gateway.js';

describe('shared state out of reach', () => {
  it('sorts Redis and database outages from bugs', () => {
    expect(unavailableError(new BudgetCountersLostError())?.status).toBe(503);
    expect(unavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))?.headers).toEqual({ 'retry-after': '1' });
    expect(unavailableError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))?.code).toBe('service_unavailable');
    expect(unavailableError(new Error('Connection is closed.'))?.status).toBe(503);
    expect(unavailableError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
    expect(unavailableError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
  });

  describe('in the gateway', () => {
    let rig: TestRig;
    beforeAll(async () => {
      rig = await startRig({ budgets: [{ id: 'team', scope: 'app', match: 'support', limitUsd: 10, period: 'month' }] });
    });
    afterAll(() => rig.close());

    it('answers 503 with retry-after in the client dialect, logs one line, and never calls the provider', async () => {
      const admit = vi.spyOn(rig.gateway.deps.budgets, 'admit').mockRejectedValue(new BudgetCountersLostError());
      const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const calls = rig.upstream.calls;
      try {
        const send = (path: string, body: unknown) =>
          fetch(`${rig.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const openai = await send('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
        expect(openai.status).toBe(503);
        expect(openai.headers.get('retry-after')).toBe('1');
        expect((await openai.json()).error.code).toBe('service_unavailable');
        const anthropic = await send('/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
        expect(anthropic.status).toBe(503);
        expect((await anthropic.json()).error.type).toBe('overloaded_error');
        expect(rig.upstream.calls).toBe(calls);
        // One line for the outage, no stack trace per request.
        const lines = log.mock.calls.map((c) => String(c[0]));
        expect(lines.filter((l) => l.includes('shared state unavailable'))).toHaveLength(1);
        expect(lines.some((l) => l.includes('    at '))).toBe(false);
      } finally {
        admit.mockRestore();
        log.mockRestore();
      }
      // Back to normal once the state answers again.
      const ok = await fetch(`${rig.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(ok.status).toBe(200);
    });
  });
});
