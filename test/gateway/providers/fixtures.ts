/**
 * Streams as the providers send them (shapes checked against the openai and @anthropic-ai/sdk typings),
 * with multi-byte UTF-8 and escapes in the text so byte-boundary splits are meaningful.
 */

const chunk = (body: string): string =>
  `{"id":"chatcmpl-9x","object":"chat.completion.chunk","created":1731000000,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_7","choices":[${body}]`;

export const CHAT_EVENTS = [
  `data: ${chunk('{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}')},"usage":null}\n\n`,
  `data: ${chunk('{"index":0,"delta":{"content":"Héllo"},"logprobs":null,"finish_reason":null}')},"usage":null}\n\n`,
  `data: ${chunk('{"index":0,"delta":{"content":" \\"wörld\\"\\n日本 👋"},"logprobs":null,"finish_reason":null}')},"usage":null}\n\n`,
  `data: ${chunk('{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}')},"usage":null}\n\n`,
];
export const CHAT_USAGE_EVENT =
  `data: ${chunk('')},"usage":{"prompt_tokens":1000,"completion_tokens":12,"total_tokens":1012,` +
  `"prompt_tokens_details":{"cached_tokens":600,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n`;
export const DONE = 'data: [DONE]\n\n';

/** A chat stream with stream_options.include_usage. */
export const CHAT_STREAM = CHAT_EVENTS.join('') + CHAT_USAGE_EVENT + DONE;
export const CHAT_TEXT = 'Héllo "wörld"\n日本 👋';
export const CHAT_EXPECTED = { input: 400, cache_read: 600, output: 12, reasoning: 4 };

/** Python-style spacing (`"key": value`) and a tool call, as some OpenAI-compatible servers send. */
export const CHAT_STREAM_SPACED =
  'data: {"id": "c1", "object": "chat.completion.chunk", "model": "deepseek-chat", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}}], "usage": null}\n\n' +
  'data: {"id": "c1", "object": "chat.completion.chunk", "model": "deepseek-chat", "choices": [{"index": 0, "delta": {"reasoning_content": "think"}}]}\n\n' +
  'data: {"id": "c1", "object": "chat.completion.chunk", "model": "deepseek-chat", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\\"city\\": \\"Paris\\"}"}}]}}]}\n\n' +
  'data: {"id": "c1", "object": "chat.completion.chunk", "model": "deepseek-chat", "choices": [], "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70, "prompt_cache_hit_tokens": 30, "prompt_cache_miss_tokens": 20}}\n\n' +
  'data: [DONE]\n\n';

const rsp = (status: string, usage: string): string =>
  `{"id":"resp_1","object":"response","created_at":1731000000,"status":"${status}","error":null,"incomplete_details":null,"instructions":"Be brief: \\"ok\\"","model":"gpt-4.1-2025-04-14","output":[],"usage":${usage}}`;

export const RESPONSES_STREAM = [
  `event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":${rsp('in_progress', 'null')}}\n\n`,
  `event: response.in_progress\ndata: {"type":"response.in_progress","sequence_number":1,"response":${rsp('in_progress', 'null')}}\n\n`,
  `event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}\n\n`,
  `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Grüße","logprobs":[]}\n\n`,
  `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":" — 東京","logprobs":[]}\n\n`,
  `event: response.output_text.done\ndata: {"type":"response.output_text.done","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Grüße — 東京","logprobs":[]}\n\n`,
  `event: response.completed\ndata: {"type":"response.completed","sequence_number":6,"response":${rsp(
    'completed',
    '{"input_tokens":2000,"input_tokens_details":{"cached_tokens":1536},"output_tokens":300,"output_tokens_details":{"reasoning_tokens":256},"total_tokens":2300}',
  )}}\n\n`,
].join('');
export const RESPONSES_TEXT = 'Grüße — 東京';
export const RESPONSES_EXPECTED = { input: 464, cache_read: 1536, output: 300, reasoning: 256 };

export const ANTHROPIC_STREAM = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":3000,"cache_read_input_tokens":1200,"cache_creation":{"ephemeral_5m_input_tokens":1000,"ephemeral_1h_input_tokens":2000},"output_tokens":1,"service_tier":"standard"}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: ping\ndata: {"type": "ping"}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Ça va"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" ✓ \\"bien\\""}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"Paris\\"}"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].join('');
export const ANTHROPIC_TEXT = 'Ça va ✓ "bien"{"city": "Paris"}';
export const ANTHROPIC_EXPECTED = { input: 25, cache_read: 1200, cache_write: 1000, cache_write_1h: 2000, output: 89 };

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

export function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
