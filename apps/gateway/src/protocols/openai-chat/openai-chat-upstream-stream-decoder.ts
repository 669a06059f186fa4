/**
 * Parsed `chat.completion.chunk` objects of an OpenAI-compatible upstream → IR stream parts.
 *
 * Mapping (choice 0 only; `n > 1` answers keep their first choice):
 * - `delta.content` / `delta.refusal` → text-delta; `delta.reasoning_content` (DeepSeek, Qwen,
 *   vLLM) or else `delta.reasoning` (OpenRouter) → reasoning-delta (dropped when includeThoughts is
 *   false); `delta.images[]` data URLs (OpenRouter) → file parts;
 * - `delta.tool_calls` are accumulated by `index`: the first `id` / `function.name` seen win,
 *   `function.arguments` fragments are concatenated; the calls are emitted as complete `tool-call`
 *   parts, in index order, when `finish_reason` arrives (arguments parsed once, with
 *   parseToolArguments). A call without id gets a minted one;
 * - `usage` (the `choices: []` chunk that `stream_options.include_usage` adds, or usage on any
 *   chunk) → a `usage` part whenever it changes;
 * - `id` / `model` / `created` → one `response-metadata` part.
 *
 * Exactly one terminal part, at flush: `finish` when a `finish_reason` was seen, else a truncation
 * error (a stream cut before its finish never passes as complete). An `{"error": {…}}` chunk, or an
 * event that was not JSON, becomes an `error` part and ends the decoding.
 *
 * Broken tool-call arguments (not a JSON object): when the turn finished for `length`, the cut call
 * is dropped and the answer ends as `length`; otherwise the answer ends with an `error` part
 * (invalidToolArgumentsError) instead of handing the client a call the model never completed.
 */
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import type { FinishReason } from '../ir/finish-reason.js';
import { sameUsage } from '../ir/same-usage.js';
import type { Emit, StreamStage } from '../ir/stream-stage.js';
import { mintToolCallId } from '../ir/tool-call-id.js';
import { createToolNameRestorer } from '../ir/upstream-tool-names.js';
import {
  invalidToolArgumentsError,
  MALFORMED_UPSTREAM_EVENT_ERROR,
  TRUNCATED_UPSTREAM_STREAM_ERROR,
} from '../ir/upstream-stream-errors.js';
import type { Usage } from '../ir/usage.js';
import { parseToolArguments } from '../json/parse-tool-arguments.js';
import { asRecord, isJsonObject, readArray, readNumber, readString } from '../json/safe-parse-json.js';
import { parseDataUrl } from '../media/parse-data-url.js';
import { MALFORMED_UPSTREAM_EVENT } from '../sse/parse-upstream-sse-json.js';
import { openAiErrorToGatewayError } from './classify-openai-upstream-failure.js';
import { convertOpenAiChatUsage } from './convert-openai-chat-usage.js';
import { mapOpenAiChatFinishReason } from './map-openai-chat-finish-reason.js';

export interface OpenAiChatUpstreamDecoderOptions {
  /** false drops reasoning text (usage still counts it); default true */
  includeThoughts?: boolean;
  /** mints ids for tool calls sent without one; injectable for stable snapshots */
  generateToolCallId?: () => string;
  /** the request's tool names, so calls of aliased names (ir/upstream-tool-names.ts) get the client's name back */
  toolNames?: readonly string[];
}

interface PendingToolCall {
  id?: string;
  name?: string;
  /** argument fragments, concatenated */
  args: string;
  /** some servers send the arguments as an object */
  argsObject?: Record<string, unknown>;
}

export function createOpenAiChatUpstreamStreamDecoder(
  options: OpenAiChatUpstreamDecoderOptions = {},
): StreamStage<unknown, ChatStreamPart> {
  const includeThoughts = options.includeThoughts !== false;
  const generateToolCallId = options.generateToolCallId ?? mintToolCallId;
  const restoreName = createToolNameRestorer(options.toolNames);

  let metadataSent = false;
  let ended = false;
  let finishRaw: string | undefined;
  let calls: Map<number, PendingToolCall> | undefined;
  let sawToolCall = false;
  let invalidToolCall: string | undefined;
  let lastUsage: Usage | undefined;

  const fail = (emit: Emit<ChatStreamPart>, part: ChatStreamPart & { type: 'error' }): void => {
    ended = true;
    emit(part);
  };

  /** Emits every accumulated call, in index order, once. */
  const emitToolCalls = (emit: Emit<ChatStreamPart>): void => {
    if (calls === undefined) return;
    const indexes = [...calls.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      const call = calls.get(index)!;
      const name = call.name ?? '';
      const input = call.argsObject ?? parseToolArguments(call.args);
      if (name.length === 0 || input === undefined) {
        invalidToolCall ??= name.length === 0 ? `#${index}` : name;
        continue;
      }
      sawToolCall = true;
      emit({ type: 'tool-call', toolCallId: call.id ?? generateToolCallId(), toolName: restoreName?.(name) ?? name, input });
    }
    calls = undefined;
  };

  const readToolCallDeltas = (deltas: unknown[]): void => {
    for (let i = 0; i < deltas.length; i++) {
      const delta = asRecord(deltas[i]);
      if (delta === undefined) continue;
      const index = readNumber(delta['index']) ?? i;
      calls ??= new Map();
      let call = calls.get(index);
      if (call === undefined) {
        call = { args: '' };
        calls.set(index, call);
      }
      if (call.id === undefined) {
        const id = readString(delta['id']);
        if (id !== undefined && id.length > 0) call.id = id;
      }
      const fn = asRecord(delta['function']);
      if (fn === undefined) continue;
      if (call.name === undefined) {
        const name = readString(fn['name']);
        if (name !== undefined && name.length > 0) call.name = name;
      }
      const args = fn['arguments'];
      if (typeof args === 'string') call.args += args;
      else if (isJsonObject(args)) call.argsObject = args;
    }
  };

  const readDelta = (delta: Record<string, unknown>, emit: Emit<ChatStreamPart>): void => {
    if (includeThoughts) {
      const reasoning = readString(delta['reasoning_content']) || readString(delta['reasoning']);
      if (reasoning !== undefined && reasoning.length > 0) emit({ type: 'reasoning-delta', delta: reasoning });
    }
    const content = delta['content'];
    if (typeof content === 'string' && content.length > 0) emit({ type: 'text-delta', delta: content });
    const refusal = delta['refusal'];
    if (typeof refusal === 'string' && refusal.length > 0) emit({ type: 'text-delta', delta: refusal });
    const toolCalls = readArray(delta['tool_calls']);
    if (toolCalls !== undefined) readToolCallDeltas(toolCalls);
    const images = readArray(delta['images']);
    if (images !== undefined) {
      for (const image of images) {
        const url = readString(asRecord(asRecord(image)?.['image_url'])?.['url']);
        const media = url === undefined ? undefined : parseDataUrl(url);
        if (media !== undefined) emit({ type: 'file', mediaType: media.mediaType, data: media.data });
      }
    }
  };

  return {
    transform(chunk, emit) {
      if (ended) return;
      if (chunk === MALFORMED_UPSTREAM_EVENT) {
        fail(emit, { type: 'error', error: { ...MALFORMED_UPSTREAM_EVENT_ERROR } });
        return;
      }
      const record = asRecord(chunk);
      if (record === undefined) return;

      const error = record['error'];
      if (error !== undefined && error !== null) {
        fail(emit, { type: 'error', error: openAiErrorToGatewayError(error) });
        return;
      }

      if (!metadataSent) {
        const id = readString(record['id']);
        const model = readString(record['model']);
        if (id !== undefined || model !== undefined) {
          metadataSent = true;
          const metadata: ChatStreamPart & { type: 'response-metadata' } = { type: 'response-metadata' };
          if (id !== undefined) metadata.id = id;
          if (model !== undefined) metadata.model = model;
          const created = readNumber(record['created']);
          if (created !== undefined) metadata.created = created;
          emit(metadata);
        }
      }

      const choices = readArray(record['choices']);
      if (choices !== undefined) {
        for (const item of choices) {
          const choice = asRecord(item);
          if (choice === undefined || (readNumber(choice['index']) ?? 0) !== 0) continue;
          const delta = asRecord(choice['delta']);
          if (delta !== undefined) readDelta(delta, emit);
          const finishReason = readString(choice['finish_reason']);
          if (finishReason !== undefined && finishRaw === undefined) {
            finishRaw = finishReason;
            emitToolCalls(emit);
          }
        }
      }

      const usage = convertOpenAiChatUsage(record['usage']);
      if (usage !== undefined && (lastUsage === undefined || !sameUsage(lastUsage, usage))) {
        lastUsage = usage;
        emit({ type: 'usage', usage });
      }
    },

    flush(emit) {
      if (ended) return;
      ended = true;
      if (finishRaw === undefined) {
        emit({ type: 'error', error: { ...TRUNCATED_UPSTREAM_STREAM_ERROR } });
        return;
      }
      const finishReason: FinishReason = mapOpenAiChatFinishReason(finishRaw, sawToolCall);
      if (invalidToolCall !== undefined && finishReason.unified !== 'length') {
        emit({ type: 'error', error: invalidToolArgumentsError(invalidToolCall) });
        return;
      }
      emit({ type: 'finish', finishReason });
    },
  };
}
