import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { Catalog } from '../../src/catalog/index.js';
import { eventually, startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
let client: Anthropic;
const catalog = new Catalog();
const priceOf = (model: string, usage: Parameters<Catalog['price']>[1]) => catalog.price(catalog.resolve(model).entry, usage).costNano;

beforeAll(async () => {
  rig = await startRig();
  client = new Anthropic({ baseURL: rig.baseUrl, apiKey: rig.key, maxRetries: 0 });
});
afterAll(() => rig.close());

const params = {
  model: 'claude-haiku-4-5',
  max_tokens: 300,
  system: [{ type: 'text' as const, text: 'You answer questions about our return policy. '.repeat(20), cache_control: { type: 'ephemeral' as const } }],
  messages: [{ role: 'user' as const, content: 'Can I return shoes after 40 days?' }],
};

describe('Anthropic SDK through the gateway', () => {
  it('meters a message with x-api-key auth', async () => {
    const { data, response } = await client.messages.create(params).withResponse();
    const row = await rig.row(response.headers.get('x-burnrate-request-id')!);
    expect(row.usage.input).toBe(data.usage.input_tokens);
    expect(row.usage.output).toBe(data.usage.output_tokens);
    expect(row.costNano).toBe(priceOf('claude-haiku-4-5', row.usage));
    expect(row).toMatchObject({ provider: 'anthropic', endpoint: 'anthropic-messages', status: 200, estimated: false });
    expect(rig.upstream.lastRequest!.headers['x-api-key']).toBe('sk-ant-upstream-secret');
  });

  it('meters a stream from message_start and message_delta', async () => {
    const stream = client.messages.stream(params);
    const final = await stream.finalMessage();
    const rows = await eventually(async () => {
      const all = await rig.rows();
      return all.length >= 2 ? all : undefined;
    });
    const row = rows.at(-1)!;
    expect(row.stream).toBe(true);
    expect(row.estimated).toBe(false);
    expect(row.usage.output).toBe(final.usage.output_tokens);
    expect(row.usage.input).toBe(final.usage.input_tokens);
  });

  it('prices cache reads and writes separately', async () => {
    rig.upstream.behaviour.cacheReadRatio = 0.6;
    try {
      const { data, response } = await client.messages.create(params).withResponse();
      const row = await rig.row(response.headers.get('x-burnrate-request-id')!);
      expect(data.usage.cache_read_input_tokens).toBeGreaterThan(0);
      expect(row.usage.cache_read).toBe(data.usage.cache_read_input_tokens);
      expect(row.usage.input).toBe(data.usage.input_tokens);
      expect(row.costNano).toBe(priceOf('claude-haiku-4-5', row.usage));
    } finally {
      rig.upstream.behaviour.cacheReadRatio = 0;
    }
  });

  it('counts tokens through /v1/messages/count_tokens at no cost', async () => {
    const count = await client.messages.countTokens({ model: 'claude-haiku-4-5', messages: params.messages });
    expect(count.input_tokens).toBeGreaterThan(5);
    const row = (await rig.rows()).at(-1)!;
    expect(row.endpoint).toBe('anthropic-count-tokens');
    expect(row.costNano).toBe(0);
  });

  it('answers errors in the Anthropic shape', async () => {
    const err = await client.messages.create({ ...params, model: 'claude-nonexistent-9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (err as InstanceType<typeof Anthropic.BadRequestError>).error as { type: string; error: { type: string; code: string } };
    expect(body.type).toBe('error');
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'unknown_model' });
  });
});
