import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startRig } from '../helpers/gateway.js';

describe('shutdown', () => {
  it('waits only for requests still in flight: answered, streamed and refused ones count no more', async () => {
    const rig = await startRig();
    const client = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: rig.key, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Say hi.' }];
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5, stream: true });
    for await (const _ of stream) {
      // read to the end
    }
    const bad = await fetch(`${rig.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${rig.key}` }, body: '{not json' });
    expect(bad.status).toBe(400);
    const rows = await rig.rows();
    expect(rows.map((r) => r.status)).toEqual([200, 200]);
    // A request still counted as in flight would hold the close for its 10 s deadline.
    const started = performance.now();
    await rig.close();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
