import { type Obj, obj } from '../usage/fields.js';
import { type Plan, planUsage } from './plan.js';
import { dataEvent, jsonReply, type ReplyContext, type SimEvent, type SimReply, sseReply } from './reply.js';

const FINGERPRINT = 'fp_sim0burnrate';

function usageJson(plan: Plan): Obj {
  return {
    prompt_tokens: plan.input,
    completion_tokens: plan.output,
    total_tokens: plan.input + plan.output,
    prompt_tokens_details: { cached_tokens: plan.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: plan.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function finishReason(answer: Plan['answers'][number]): string {
  return answer.toolCall ? 'tool_calls' : answer.truncated ? 'length' : 'stop';
}

function completion(plan: Plan, ctx: ReplyContext, callIds: string[]): Obj {
  return {
    id: ctx.id('chatcmpl-'),
    object: 'chat.completion',
    created: ctx.now(),
    model: plan.model,
    choices: plan.answers.map((a, index) => ({
      index,
      message: a.toolCall
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: callIds[index], type: 'function', function: { name: a.toolCall.name, arguments: a.toolCall.arguments } }],
            refusal: null,
            annotations: [],
          }
        : { role: 'assistant', content: a.text, refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: finishReason(a),
    })),
    usage: usageJson(plan),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

/** Tool-call arguments streamed in pieces of about a token (4 characters). */
function argumentPieces(args: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < args.length; i += 4) pieces.push(args.slice(i, i + 4));
  return pieces;
}

/**
 * The stream: per choice a role chunk, then the content (or tool-call argument) deltas of all choices
 * interleaved, a finish chunk per choice, then — only when `stream_options.include_usage` — a chunk with
 * `"choices":[]` and the usage (the other chunks then carry `"usage":null`), then `data: [DONE]`.
 */
function chunks(plan: Plan, ctx: ReplyContext, callIds: string[], includeUsage: boolean): SimEvent[] {
  const head =
    `{"id":${JSON.stringify(ctx.id('chatcmpl-'))},"object":"chat.completion.chunk","created":${ctx.now()},` +
    `"model":${JSON.stringify(plan.model)},"service_tier":"default","system_fingerprint":"${FINGERPRINT}","choices":[`;
  const tail = includeUsage ? '],"usage":null}' : ']}';
  const choice = (index: number, delta: string, finish: string | null): string =>
    `{"index":${index},"delta":${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}`;
  const events: SimEvent[] = [];
  const deltas: string[][] = [];
  plan.answers.forEach((a, i) => {
    if (a.toolCall) {
      const start = { index: 0, id: callIds[i], type: 'function', function: { name: a.toolCall.name, arguments: '' } };
      events.push(dataEvent(head + choice(i, `{"role":"assistant","content":null,"tool_calls":[${JSON.stringify(start)}],"refusal":null}`, null) + tail));
      deltas.push(argumentPieces(a.toolCall.arguments).map((p) => `{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(p)}}}]}`));
    } else {
      events.push(dataEvent(head + choice(i, '{"role":"assistant","content":"","refusal":null}', null) + tail));
      deltas.push(a.pieces.map((p) => `{"content":${JSON.stringify(p)}}`));
    }
  });
  const longest = Math.max(...deltas.map((d) => d.length));
  for (let t = 0; t < longest; t++) {
    for (let i = 0; i < deltas.length; i++) {
      const delta = deltas[i]![t];
      if (delta !== undefined) events.push(dataEvent(head + choice(i, delta, null) + tail, 1));
    }
  }
  plan.answers.forEach((a, i) => events.push(dataEvent(head + choice(i, '{}', finishReason(a)) + tail)));
  if (includeUsage) {
    events.push(dataEvent(`${head}],"usage":${JSON.stringify(usageJson(plan))}}`));
  }
  events.push(dataEvent('[DONE]'));
  return events;
}

/** A Chat Completions answer, JSON or SSE, exactly in OpenAI's wire format. */
export function chatReply(plan: Plan, body: Obj, ctx: ReplyContext): SimReply {
  const callIds = plan.answers.map(() => ctx.id('call_'));
  const usage = planUsage(plan);
  if (body.stream !== true) return jsonReply(completion(plan, ctx, callIds), usage);
  const includeUsage = obj(body.stream_options)?.include_usage === true;
  return sseReply(chunks(plan, ctx, callIds, includeUsage), usage);
}
