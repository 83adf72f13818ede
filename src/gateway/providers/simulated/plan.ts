import type { Usage } from '../../../catalog/types.js';
import { familyOf } from '../../../tokens/index.js';
import { mix, prng } from './hash.js';
import type { Prompt, ToolSpec } from './prompt.js';
import type { PromptCounter } from './prompt-counter.js';
import { generatePieces } from './words.js';

export interface ToolCallPlan {
  name: string;
  /** Arguments as a JSON text, made from the tool's schema. */
  arguments: string;
}

/** One generated answer (a choice). */
export interface AnswerPlan {
  /** Text pieces, one token each (in o200k), one per stream delta; empty for a tool call. */
  pieces: string[];
  text: string;
  toolCall?: ToolCallPlan;
  /** Output tokens, reasoning included. */
  output: number;
  reasoning: number;
  /** Cut by the request's output limit. */
  truncated: boolean;
}

/** What the simulated upstream will report: the usage and the answers. */
export interface Plan {
  model: string;
  /** Total input tokens, cached included (what OpenAI's prompt_tokens and count_tokens report). */
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  answers: AnswerPlan[];
}

/** Answers are 20 to 300 tokens long, deterministic from the prompt. */
const MIN_OUTPUT = 20;
const OUTPUT_SPAN = 281;

/** OpenAI reasoning models report reasoning tokens inside the output: the simulator spends half on them. */
function isReasoningModel(model: string): boolean {
  return /^(o[1-9]|gpt-5(?!-chat))/.test(model.slice(model.lastIndexOf('/') + 1));
}

/** Arguments that satisfy the schema's required properties (or its first one): enum[0], "example", 1, true... */
function argumentsFor(tool: ToolSpec): string {
  const props = tool.parameters?.properties;
  const properties = typeof props === 'object' && props !== null ? (props as Record<string, { type?: unknown; enum?: unknown }>) : {};
  const names = Object.keys(properties);
  const required = Array.isArray(tool.parameters?.required) ? (tool.parameters.required as string[]) : names.slice(0, 1);
  const args: Record<string, unknown> = {};
  for (const name of required) {
    const schema = properties[name] ?? {};
    if (Array.isArray(schema.enum) && schema.enum.length) args[name] = schema.enum[0];
    else if (schema.type === 'number' || schema.type === 'integer') args[name] = 1;
    else if (schema.type === 'boolean') args[name] = true;
    else if (schema.type === 'array') args[name] = [];
    else if (schema.type === 'object') args[name] = {};
    else args[name] = 'example';
  }
  return JSON.stringify(args);
}

export interface PlanOptions {
  /** Number of answers (chat's `n`). */
  n?: number;
  /** Share of the input reported as read from the provider's cache, 0 to 1. */
  cacheReadRatio?: number;
}

/** Plans the usage and answers of a request, from its prompt only (deterministic). */
export function planAnswer(prompt: Prompt, counter: PromptCounter, options: PlanOptions = {}): Plan {
  const { tokens: input, hash } = counter.stats(prompt);
  const ratio = Math.min(1, Math.max(0, options.cacheReadRatio ?? 0));
  const factor = familyOf(prompt.model).factor;
  const reasoningModel = isReasoningModel(prompt.model);
  const max = prompt.maxOutput ?? Number.MAX_SAFE_INTEGER;
  const answers: AnswerPlan[] = [];
  const n = Math.max(1, Math.min(128, Math.floor(options.n ?? 1)));
  for (let i = 0; i < n; i++) {
    const seed = mix(hash, i);
    if (prompt.callTool) {
      const tool = prompt.tools[Math.floor(prng(seed)() * prompt.tools.length)]!;
      const args = argumentsFor(tool);
      const output = Math.min(max, counter.count(tool.name, prompt.model) + counter.count(args, prompt.model) + 5);
      answers.push({ pieces: [], text: '', toolCall: { name: tool.name, arguments: args }, output, reasoning: 0, truncated: false });
      continue;
    }
    const target = MIN_OUTPUT + (seed % OUTPUT_SPAN);
    const output = Math.min(target, max);
    const reasoning = reasoningModel ? Math.floor(output / 2) : 0;
    const visible = output - reasoning;
    // Claude and Gemini tokenizers split the same text into more tokens than o200k: fewer pieces.
    const pieces = generatePieces(visible > 0 ? Math.max(1, Math.round(visible / factor)) : 0, seed);
    answers.push({ pieces, text: pieces.join(''), output, reasoning, truncated: target > max });
  }
  let output = 0;
  let reasoning = 0;
  for (const a of answers) {
    output += a.output;
    reasoning += a.reasoning;
  }
  return { model: prompt.model, input, cached: Math.floor(input * ratio), output, reasoning, answers };
}

/** The plan's usage in Burnrate's disjoint kinds: what the usage readers must extract from the reply. */
export function planUsage(plan: Plan): Usage {
  const usage: Usage = { input: plan.input - plan.cached, output: plan.output };
  if (plan.cached > 0) usage.cache_read = plan.cached;
  if (plan.reasoning > 0) usage.reasoning = plan.reasoning;
  return usage;
}
