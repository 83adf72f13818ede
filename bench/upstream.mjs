// An upstream that answers instantly with fixed OpenAI-format bodies, so the benchmark measures the
// proxies, not the upstream. Usage: node bench/upstream.mjs PORT
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const usage = { prompt_tokens: 512, completion_tokens: 64, total_tokens: 576 };
const json = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Your order ships tomorrow. '.repeat(8) }, finish_reason: 'stop' }],
  usage,
});
const chunk = (delta, extra = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const streamBody = [chunk({ role: 'assistant', content: '' }), ...Array.from({ length: 16 }, () => chunk({ content: 'Your order ships ' })), chunk({}, {})].join('');
const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices: [], usage })}\n\n`;

createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const text = Buffer.concat(parts).toString();
    if (text.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(streamBody);
      if (text.includes('"include_usage":true')) res.write(usageChunk);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
}).listen(port, '127.0.0.1', function () {
  process.send?.({ port: this.address().port });
});
