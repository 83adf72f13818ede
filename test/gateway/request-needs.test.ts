import { describe, expect, it } from 'vitest';
import { requestNeeds } from '../../src/gateway/request.js';

const png = 'data:image/png;base64,iVBORw0KGgo=';

describe('what a request needs of its model', () => {
  it('finds image parts in every wire format, tool results included, and only real parts', () => {
    expect(requestNeeds({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: png } }] }] })).toEqual({ tools: false, images: true });
    expect(requestNeeds({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_image', image_url: png }] }] }).images).toBe(true);
    expect(requestNeeds({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } }] }] }).images).toBe(true);
    const toolResult = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'x' } }] }] };
    expect(requestNeeds({ model: 'm', messages: [toolResult] }).images).toBe(true);
    // The word in text, or a string input, is not an image.
    expect(requestNeeds({ model: 'm', messages: [{ role: 'user', content: 'describe the "image" type: image_url' }] }).images).toBe(false);
    expect(requestNeeds({ model: 'm', input: 'an image please' }).images).toBe(false);
  });

  it('needs tools only when the request offers some', () => {
    expect(requestNeeds({ model: 'm', tools: [{ type: 'function', function: { name: 'f' } }] }).tools).toBe(true);
    expect(requestNeeds({ model: 'm', tools: [] }).tools).toBe(false);
    expect(requestNeeds({ model: 'm' })).toEqual({ tools: false, images: false });
  });
});
