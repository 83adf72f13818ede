/**
 * Text pulled out of request and response bodies, only for estimating tokens when a provider
 * reports no usage (a cut stream, an old server). A generic walk: the text sits under these keys in
 * every wire format we speak.
 */
const TEXT_KEYS = new Set(['content', 'text', 'system', 'input', 'instructions', 'prompt', 'arguments', 'thinking']);

function walk(value: unknown, out: string[], underText: boolean): void {
  if (typeof value === 'string') {
    if (underText) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) walk(v, out, underText);
  } else if (value && typeof value === 'object') {
    for (const k in value) walk((value as Record<string, unknown>)[k], out, underText || TEXT_KEYS.has(k));
  }
}

/** The prompt's text pieces (each message's text, system, input, tool definitions). */
export function promptParts(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  walk(body.messages, out, true);
  walk({ system: body.system, input: body.input, instructions: body.instructions, prompt: body.prompt }, out, false);
  if (body.tools) out.push(JSON.stringify(body.tools));
  return out;
}

/** The prompt's text, plus tool definitions (they are sent as tokens too). */
export function promptText(body: Record<string, unknown>): string {
  return promptParts(body).join('\n');
}

/** The generated text of a JSON response. */
export function responseText(json: unknown): string {
  const out: string[] = [];
  const j = json as Record<string, unknown> | null;
  walk(j?.choices ?? j?.content ?? j?.output, out, false);
  return out.join('\n');
}
