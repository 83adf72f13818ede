import type { Obj } from '../usage/fields.js';
import { type Plan, planUsage } from './plan.js';
import { jsonReply, namedEvent, type ReplyContext, type SimEvent, type SimReply, sseReply } from './reply.js';

/** Anthropic's usage: `input_tokens` is the uncached input only; cache reads are counted apart. */
function usageJson(plan: Plan, output: number): Obj {
  return {
    input_tokens: plan.input - plan.cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: plan.cached,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
}

function stopReason(plan: Plan): string {
  const answer = plan.answers[0]!;
  return answer.toolCall ? 'tool_use' : answer.truncated ? 'max_tokens' : 'end_turn';
}

function content(plan: Plan, toolId: string): Obj[] {
  const answer = plan.answers[0]!;
  if (answer.toolCall) {
    return [{ type: 'tool_use', id: toolId, name: answer.toolCall.name, input: JSON.parse(answer.toolCall.arguments) as unknown }];
  }
  return [{ type: 'text', text: answer.text }];
}

/**
 * The Messages stream: message_start (input usage, output 1), content_block_start, ping,
 * content_block_delta × n (text_delta, or input_json_delta for a tool call), content_block_stop,
 * message_delta (stop reason and cumulative usage), message_stop.
 */
function streamEvents(plan: Plan, id: string, toolId: string): SimEvent[] {
  const answer = plan.answers[0]!;
  const events: SimEvent[] = [];
  const emit = (type: string, fields: Obj, tokens = 0): void => {
    events.push(namedEvent(type, JSON.stringify({ type, ...fields }), tokens));
  };
  emit('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageJson(plan, 1),
    },
  });
  if (answer.toolCall) {
    emit('content_block_start', { index: 0, content_block: { type: 'tool_use', id: toolId, name: answer.toolCall.name, input: {} } });
    emit('ping', {});
    const args = answer.toolCall.arguments;
    for (let i = 0; i < args.length; i += 4) {
      emit('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: args.slice(i, i + 4) } }, 1);
    }
  } else {
    emit('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    emit('ping', {});
    for (const piece of answer.pieces) {
      const json = `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(piece)}}}`;
      events.push(namedEvent('content_block_delta', json, 1));
    }
  }
  emit('content_block_stop', { index: 0 });
  emit('message_delta', {
    delta: { stop_reason: stopReason(plan), stop_sequence: null },
    usage: {
      input_tokens: plan.input - plan.cached,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: plan.cached,
      output_tokens: plan.output,
    },
  });
  emit('message_stop', {});
  return events;
}

/** An Anthropic Messages answer, JSON or SSE, exactly in Anthropic's wire format. */
export function messagesReply(plan: Plan, body: Obj, ctx: ReplyContext): SimReply {
  const id = ctx.id('msg_');
  const toolId = ctx.id('toolu_');
  const usage = planUsage(plan);
  if (body.stream === true) return sseReply(streamEvents(plan, id, toolId), usage);
  return jsonReply(
    {
      id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: content(plan, toolId),
      stop_reason: stopReason(plan),
      stop_sequence: null,
      usage: usageJson(plan, plan.output),
    },
    usage,
  );
}
