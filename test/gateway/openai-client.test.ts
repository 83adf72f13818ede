import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { Catalog } from '../../src/catalog/index.js';
import { eventually, startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
let client: OpenAI;
const catalog = new Catalog();
const priceOf = (model: string, usage: Parameters<Catalog['price']>[1]) => catalog.price(catalog.resolve(model).entry, usage).costNano;

beforeAll(async () => {
  rig = await startRig();
  client = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: rig.key, maxRetries: 0 });
});
afterAll(() => rig.close());

const messages = [
  { role: 'system' as const, content: 'You are a support agent for a shoe shop.' },
  { role: 'user' as const, content: 'Where is my order #1234? It was due on Monday.' },
];

describe('OpenAI SDK through the gateway', () => {
  it('meters a chat completion exactly from the reported usage', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages, user: 'shopper-42' }, { headers: { 'x-burnrate-feature': 'orders', 'x-burnrate-customer': 'acme', 'x-burnrate-conversation': 'conv-1', 'x-burnrate-tags': 'env=prod,team=cx' } })
      .withResponse();
    const id = response.headers.get('x-burnrate-request-id')!;
    expect(id).toMatch(/^req_/);
    const usage = data.usage!;
    const row = await rig.row(id);
    expect(row.usage).toEqual({ input: usage.prompt_tokens, output: usage.completion_tokens });
    const expected = priceOf('gpt-4o-mini', { input: usage.prompt_tokens, output: usage.completion_tokens });
    expect(row.costNano).toBe(expected);
    expect(Number(response.headers.get('x-burnrate-cost-usd'))).toBeCloseTo(expected / 1e9, 12);
    expect(row).toMatchObject({ app: 'support', provider: 'openai', model: 'gpt-4o-mini', feature: 'orders', customer: 'acme', conversation: 'conv-1', user: 'shopper-42', tags: { env: 'prod', team: 'cx' }, status: 200, estimated: false, stream: false });
    // The provider's secret went upstream, the client's key did not.
    expect(rig.upstream.lastRequest!.headers.authorization).toBe('Bearer sk-upstream-secret');
  });

  it('records what the request needed of the model: tools, images', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'track_order', parameters: { type: 'object', properties: { id: { type: 'string' } } } } }];
    const image = [{ type: 'text' as const, text: 'Is this shoe damaged?' }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }];
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    const withTools = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools }).withResponse();
    const withImage = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: image }] }).withResponse();
    const needs = async (r: { response: Response }) => {
      const row = await rig.row(r.response.headers.get('x-burnrate-request-id')!);
      return { tools: row.usesTools, images: row.usesImages };
    };
    expect(await needs(plain)).toEqual({ tools: false, images: false });
    expect(await needs(withTools)).toEqual({ tools: true, images: false });
    expect(await needs(withImage)).toEqual({ tools: false, images: true });
  });

  it('streams without the extra usage chunk for a client that did not ask, and still meters it', async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.choices.length > 0 && !c.usage)).toBe(true);
    expect((rig.upstream.lastRequest!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
    const id = response.headers.get('x-burnrate-request-id')!;
    const row = await eventually(async () => (await rig.rows()).find((r) => r.id === id));
    expect(row.stream).toBe(true);
    expect(row.estimated).toBe(false);
    expect(row.usage.output).toBeGreaterThan(0);
    expect(row.costNano).toBe(priceOf('gpt-4o-mini', row.usage));
  });

  it('passes the usage chunk to a client that asked for it, and records the same numbers', async () => {
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } }).withResponse();
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const id = response.headers.get('x-burnrate-request-id')!;
    const row = await eventually(async () => (await rig.rows()).find((r) => r.id === id));
    expect(row.usage).toEqual({ input: usage!.prompt_tokens, output: usage!.completion_tokens });
  });

  it('prices cached input at the cache rate and never counts it twice', async () => {
    rig.upstream.behaviour.cacheReadRatio = 0.5;
    try {
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
      const cached = data.usage!.prompt_tokens_details!.cached_tokens!;
      expect(cached).toBeGreaterThan(0);
      const row = await rig.row(response.headers.get('x-burnrate-request-id')!);
      expect(row.usage).toEqual({ input: data.usage!.prompt_tokens - cached, cache_read: cached, output: data.usage!.completion_tokens });
      expect(row.tokensIn).toBe(data.usage!.prompt_tokens);
      expect(row.costNano).toBe(priceOf('gpt-4o', row.usage));
    } finally {
      rig.upstream.behaviour.cacheReadRatio = 0;
    }
  });

  it('meters embeddings and the Responses API, streaming and not', async () => {
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['refund policy', 'shipping times'] }).withResponse();
    const embRow = await rig.row(emb.response.headers.get('x-burnrate-request-id')!);
    expect(embRow.usage.input).toBe(emb.data.usage.prompt_tokens);
    expect(embRow.costNano).toBe(priceOf('text-embedding-3-small', { input: emb.data.usage.prompt_tokens }));

    const resp = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Summarise our refund policy.' }).withResponse();
    const respRow = await rig.row(resp.response.headers.get('x-burnrate-request-id')!);
    expect(respRow.usage.output).toBe(resp.data.usage!.output_tokens);

    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'Summarise our refund policy.', stream: true });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
    expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
    const rows = await rig.rows();
    const last = rows.at(-1)!;
    expect(last.endpoint).toBe('openai-responses');
    expect(last.stream).toBe(true);
    expect(last.usage.output).toBe(completed!.usage!.output_tokens);
  });

  it('handles tools and n > 1', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        n: 2,
        messages,
        tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } } } } }],
      })
      .withResponse();
    expect(data.choices).toHaveLength(2);
    const row = await rig.row(response.headers.get('x-burnrate-request-id')!);
    expect(row.usage.output).toBe(data.usage!.completion_tokens);
  });

  it('lists models', async () => {
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain('sim/gpt-4o-mini');
    expect(ids).toContain('openai/gpt-4o-mini');
  });
});
