import { type Obj, obj } from '../usage/fields.js';

/** A tool the simulated model may call: its name and JSON-schema parameters. */
export interface ToolSpec {
  name: string;
  parameters: Obj | undefined;
}

/** What the simulator needs from a request, whatever its wire format. */
export interface Prompt {
  model: string;
  /** System prompt and messages, each flattened to text. */
  messages: { role: string; content: string }[];
  /** Tool definitions as JSON: they are part of the prompt too. */
  toolsText: string;
  /** Tokens of non-text parts (images), by a flat rule. */
  mediaTokens: number;
  tools: ToolSpec[];
  /** Answer with a tool call: tools are offered, allowed, and the last message is the user's. */
  callTool: boolean;
  maxOutput?: number;
}

/** An image costs 765 tokens (OpenAI's 1024×1024 high detail): the simulator does not read image sizes. */
const IMAGE_TOKENS = 765;

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}

/** Text of a message content: a string, or parts (text, tool calls and results, images) of any dialect. */
function flatten(content: unknown, media: { tokens: number }): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content == null ? '' : JSON.stringify(content);
  let text = '';
  for (const raw of content) {
    const part = obj(raw);
    if (!part) {
      if (typeof raw === 'string') text += raw;
      continue;
    }
    const type = part.type;
    if (typeof part.text === 'string') text += part.text;
    else if (type === 'image' || type === 'image_url' || type === 'input_image') media.tokens += IMAGE_TOKENS;
    else if (type === 'tool_use') text += `${String(part.name)} ${JSON.stringify(part.input ?? {})}`;
    else if (type === 'tool_result') text += flatten(part.content, media);
    else if (type === 'thinking' && typeof part.thinking === 'string') text += part.thinking;
  }
  return text;
}

function toolsOf(tools: unknown, read: (tool: Obj) => ToolSpec | undefined): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolSpec[] = [];
  for (const raw of tools) {
    const tool = obj(raw);
    const spec = tool && read(tool);
    if (spec) out.push(spec);
  }
  return out;
}

function toolChoiceNone(choice: unknown): boolean {
  return choice === 'none' || obj(choice)?.type === 'none';
}

/** Chat Completions: `messages` (system included), `tools: [{type:'function', function:{name, parameters}}]`. */
export function chatPrompt(body: Obj): Prompt {
  const media = { tokens: 0 };
  const raw = Array.isArray(body.messages) ? body.messages : [];
  const messages = raw.map((m) => {
    const msg = obj(m) ?? {};
    let content = flatten(msg.content, media);
    if (Array.isArray(msg.tool_calls)) content += JSON.stringify(msg.tool_calls);
    return { role: String(msg.role ?? 'user'), content };
  });
  const tools = toolsOf(body.tools, (t) => {
    const fn = obj(t.function);
    return typeof fn?.name === 'string' ? { name: fn.name, parameters: obj(fn.parameters) } : undefined;
  });
  return {
    model: String(body.model),
    messages,
    toolsText: tools.length ? JSON.stringify(body.tools) : '',
    mediaTokens: media.tokens,
    tools,
    callTool: tools.length > 0 && !toolChoiceNone(body.tool_choice) && messages.at(-1)?.role === 'user',
    maxOutput: positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens),
  };
}

/** Responses API: `instructions`, `input` (a string or items), `tools: [{type:'function', name, parameters}]`. */
export function responsesPrompt(body: Obj): Prompt {
  const media = { tokens: 0 };
  const messages: Prompt['messages'] = [];
  if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else if (Array.isArray(body.input)) {
    for (const raw of body.input) {
      const item = obj(raw) ?? {};
      if (item.type === 'function_call_output') {
        messages.push({ role: 'tool', content: typeof item.output === 'string' ? item.output : flatten(item.output, media) });
      } else if (item.type === 'function_call') {
        messages.push({ role: 'assistant', content: `${String(item.name)} ${String(item.arguments ?? '')}` });
      } else {
        messages.push({ role: String(item.role ?? 'user'), content: flatten(item.content, media) });
      }
    }
  }
  const tools = toolsOf(body.tools, (t) =>
    t.type === 'function' && typeof t.name === 'string' ? { name: t.name, parameters: obj(t.parameters) } : undefined,
  );
  return {
    model: String(body.model),
    messages,
    toolsText: tools.length ? JSON.stringify(body.tools) : '',
    mediaTokens: media.tokens,
    tools,
    callTool: tools.length > 0 && !toolChoiceNone(body.tool_choice) && messages.at(-1)?.role === 'user',
    maxOutput: positiveInt(body.max_output_tokens),
  };
}

/** Anthropic Messages (and count_tokens): `system`, `messages`, `tools: [{name, input_schema}]`, `max_tokens`. */
export function anthropicPrompt(body: Obj): Prompt {
  const media = { tokens: 0 };
  const messages: Prompt['messages'] = [];
  if (body.system !== undefined) messages.push({ role: 'system', content: flatten(body.system, media) });
  let lastIsUserText = false;
  if (Array.isArray(body.messages)) {
    for (const raw of body.messages) {
      const msg = obj(raw) ?? {};
      const role = String(msg.role ?? 'user');
      messages.push({ role, content: flatten(msg.content, media) });
      // A user turn that only returns tool results continues a tool loop: answer in text then.
      lastIsUserText =
        role === 'user' &&
        !(Array.isArray(msg.content) && msg.content.some((p) => obj(p)?.type === 'tool_result'));
    }
  }
  const tools = toolsOf(body.tools, (t) =>
    typeof t.name === 'string' && (t.input_schema !== undefined || t.type === undefined || t.type === 'custom')
      ? { name: t.name, parameters: obj(t.input_schema) }
      : undefined,
  );
  return {
    model: String(body.model),
    messages,
    toolsText: Array.isArray(body.tools) && body.tools.length ? JSON.stringify(body.tools) : '',
    mediaTokens: media.tokens,
    tools,
    callTool: tools.length > 0 && !toolChoiceNone(body.tool_choice) && lastIsUserText,
    maxOutput: positiveInt(body.max_tokens),
  };
}
