import type { Obj } from '../usage/fields.js';
import { type Plan, planUsage } from './plan.js';
import { jsonReply, namedEvent, type ReplyContext, type SimEvent, type SimReply, sseReply } from './reply.js';

function usageJson(plan: Plan): Obj {
  return {
    input_tokens: plan.input,
    input_tokens_details: { cached_tokens: plan.cached },
    output_tokens: plan.output,
    output_tokens_details: { reasoning_tokens: plan.reasoning },
    total_tokens: plan.input + plan.output,
  };
}

interface Ids {
  response: string;
  reasoning: string;
  item: string;
  call: string;
  created: number;
}

/** The output items of the finished response: a reasoning item (reasoning models), then the message or function call. */
function outputItems(plan: Plan, ids: Ids, status: 'completed' | 'incomplete'): Obj[] {
  const answer = plan.answers[0]!;
  const items: Obj[] = [];
  if (answer.reasoning > 0) items.push({ id: ids.reasoning, type: 'reasoning', summary: [] });
  if (answer.toolCall) {
    items.push({ id: ids.item, type: 'function_call', status: 'completed', arguments: answer.toolCall.arguments, call_id: ids.call, name: answer.toolCall.name });
  } else {
    items.push({ id: ids.item, type: 'message', status, role: 'assistant', content: [textPart(answer.text)] });
  }
  return items;
}

function textPart(text: string): Obj {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** The response object, as in the JSON answer and in the lifecycle events. */
function responseObject(plan: Plan, body: Obj, ids: Ids, status: string, output: Obj[], usage: Obj | null): Obj {
  const truncated = plan.answers[0]!.truncated;
  return {
    id: ids.response,
    object: 'response',
    created_at: ids.created,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' && truncated ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: plan.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/**
 * The Responses API stream: response.created, response.in_progress, per output item output_item.added,
 * (message) content_part.added, output_text.delta × n, output_text.done, content_part.done, or (function
 * call) function_call_arguments.delta / .done, then output_item.done, and finally response.completed (or
 * response.incomplete when cut by max_output_tokens) with the usage. Every event has a sequence_number.
 */
function streamEvents(plan: Plan, body: Obj, ids: Ids, status: 'completed' | 'incomplete'): SimEvent[] {
  const answer = plan.answers[0]!;
  const events: SimEvent[] = [];
  let seq = 0;
  const emit = (type: string, fields: Obj, tokens = 0): void => {
    events.push(namedEvent(type, JSON.stringify({ type, sequence_number: seq++, ...fields }), tokens));
  };
  emit('response.created', { response: responseObject(plan, body, ids, 'in_progress', [], null) });
  emit('response.in_progress', { response: responseObject(plan, body, ids, 'in_progress', [], null) });
  const final = outputItems(plan, ids, status);
  final.forEach((item, output_index) => {
    if (item.type === 'reasoning') {
      emit('response.output_item.added', { output_index, item });
      emit('response.output_item.done', { output_index, item }, answer.reasoning);
      return;
    }
    const item_id = ids.item;
    if (item.type === 'function_call') {
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      const args = answer.toolCall!.arguments;
      for (let i = 0; i < args.length; i += 4) {
        emit('response.function_call_arguments.delta', { item_id, output_index, delta: args.slice(i, i + 4) }, 1);
      }
      emit('response.function_call_arguments.done', { item_id, output_index, arguments: args });
      emit('response.output_item.done', { output_index, item });
      return;
    }
    emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
    emit('response.content_part.added', { item_id, output_index, content_index: 0, part: textPart('') });
    // The many delta events are built by hand: one template per token instead of a JSON.stringify.
    const prefix = `{"type":"response.output_text.delta","item_id":${JSON.stringify(item_id)},"output_index":${output_index},"content_index":0,"delta":`;
    for (const piece of answer.pieces) {
      const json = `${prefix}${JSON.stringify(piece)},"logprobs":[],"sequence_number":${seq++}}`;
      events.push(namedEvent('response.output_text.delta', json, 1));
    }
    emit('response.output_text.done', { item_id, output_index, content_index: 0, text: answer.text, logprobs: [] });
    emit('response.content_part.done', { item_id, output_index, content_index: 0, part: textPart(answer.text) });
    emit('response.output_item.done', { output_index, item });
  });
  const terminal = status === 'completed' ? 'response.completed' : 'response.incomplete';
  emit(terminal, { response: responseObject(plan, body, ids, status, final, usageJson(plan)) });
  return events;
}

/** A Responses API answer, JSON or SSE, exactly in OpenAI's wire format. */
export function responsesReply(plan: Plan, body: Obj, ctx: ReplyContext): SimReply {
  const ids: Ids = {
    response: ctx.id('resp_'),
    reasoning: ctx.id('rs_'),
    item: ctx.id(plan.answers[0]!.toolCall ? 'fc_' : 'msg_'),
    call: ctx.id('call_'),
    created: ctx.now(),
  };
  const status = plan.answers[0]!.truncated ? 'incomplete' : 'completed';
  const usage = planUsage(plan);
  if (body.stream === true) return sseReply(streamEvents(plan, body, ids, status), usage);
  return jsonReply(responseObject(plan, body, ids, status, outputItems(plan, ids, status), usageJson(plan)), usage);
}
