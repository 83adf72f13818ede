import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { Catalog } from '../../src/catalog/index.js';
import { RoutingSchema, routeRequest } from '../../src/routing/index.js';
import { startRig, type TestRig } from '../helpers/gateway.js';

const catalog = new Catalog();

describe('routing rules', () => {
  const routing = RoutingSchema.parse({
    aliases: { fast: 'gpt-4o-mini', smart: 'claude-sonnet-4-5' },
    rules: [
      { name: 'small-tasks', when: { task: ['classify', 'route', 'extract'] }, model: 'fast' },
      { name: 'ab', when: { feature: 'chat' }, split: [{ model: 'gpt-4o', weight: 1 }, { model: 'gpt-4.1', weight: 1 }] },
    ],
  });
  const base = { app: 'a', feature: null, task: null, stickyId: null, promptChars: 100, hasTools: false, hasImages: false };

  it('applies aliases, the first matching rule, and sticky splits', () => {
    expect(routeRequest({ ...base, model: 'smart' }, routing)).toEqual({ model: 'claude-sonnet-4-5', route: 'alias:smart' });
    expect(routeRequest({ ...base, model: 'gpt-4o', task: 'classify' }, routing)).toEqual({ model: 'gpt-4o-mini', route: 'rule:small-tasks' });
    expect(routeRequest({ ...base, model: 'gpt-4o', task: 'write' }, routing)).toEqual({ model: 'gpt-4o', route: null });
    const a = routeRequest({ ...base, model: 'gpt-4o', feature: 'chat', stickyId: 'conv-1' }, routing);
    expect(routeRequest({ ...base, model: 'gpt-4o', feature: 'chat', stickyId: 'conv-1' }, routing)).toEqual(a);
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const d = routeRequest({ ...base, model: 'gpt-4o', feature: 'chat', stickyId: `conv-${i}` }, routing);
      counts.set(d.model, (counts.get(d.model) ?? 0) + 1);
    }
    expect(counts.get('gpt-4o')! / 2000).toBeGreaterThan(0.45);
    expect(counts.get('gpt-4o')! / 2000).toBeLessThan(0.55);
  });

  it('rejects a rule with both model and split', () => {
    expect(() => RoutingSchema.parse({ rules: [{ name: 'x', model: 'a', split: [{ model: 'a', weight: 1 }, { model: 'b', weight: 1 }] }] })).toThrow(/exactly one/);
  });
});

describe('routing and fallbacks in the gateway', () => {
  let rig: TestRig;
  let client: OpenAI;
  beforeAll(async () => {
    rig = await startRig({
      routing: {
        rules: [{ name: 'small-tasks', when: { task: ['classify', 'route', 'extract'] }, model: 'gpt-4o-mini' }],
        fallbacks: { 'gpt-4.1': ['gpt-4o', 'claude-haiku-4-5', 'gpt-4o-mini'] },
        maxAttempts: 3,
        deadlineMs: 5000,
      },
    });
    client = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: rig.key, maxRetries: 0 });
  });
  afterAll(() => rig.close());

  it('sends x-burnrate-task: classify to the small model, priced as such, with the routing saving', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Is this email a complaint? "My shoes fell apart."' }] }, { headers: { 'x-burnrate-task': 'classify' } })
      .withResponse();
    expect((rig.upstream.lastRequest!.body as { model: string }).model).toBe('gpt-4o-mini');
    const row = await rig.row(response.headers.get('x-burnrate-request-id')!);
    const usage = { input: data.usage!.prompt_tokens, output: data.usage!.completion_tokens };
    const small = catalog.price(catalog.resolve('gpt-4o-mini').entry, usage).costNano;
    const asked = catalog.price(catalog.resolve('gpt-4o').entry, usage).costNano;
    expect(row).toMatchObject({ model: 'gpt-4o-mini', requestedModel: 'gpt-4o', route: 'rule:small-tasks', costNano: small, savedNano: asked - small });
  });

  it('stops a fallback chain after the configured attempts when the upstream always fails', async () => {
    rig.upstream.behaviour.failStatus = 503;
    try {
      const calls = rig.upstream.calls;
      const started = Date.now();
      const err = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
      expect((err as { status: number }).status).toBe(503);
      expect(rig.upstream.calls - calls).toBe(3);
      expect(Date.now() - started).toBeLessThan(5000);
      const rows = (await rig.rows()).slice(-3);
      expect(rows.map((r) => r.model)).toEqual(['gpt-4.1', 'gpt-4o', 'claude-haiku-4-5']);
      expect(rows.map((r) => r.status)).toEqual([503, 503, 503]);
    } finally {
      delete rig.upstream.behaviour.failStatus;
    }
  });
});
