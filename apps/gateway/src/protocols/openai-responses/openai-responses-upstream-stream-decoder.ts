/**
 * OpenAI Responses streaming events (the parsed `data` of each SSE event; its `type` names the
 * event) from the Codex backend or the platform API → IR stream parts. Output items are tracked by
 * `output_index` in a Map.
 *
 * - `response.created` → `response-metadata` (id, model, created_at);
 * - `response.output_text.delta` / `response.refusal.delta` → text-delta;
 * - `response.reasoning_summary_text.delta` (and `response.reasoning_text.delta`, raw reasoning of
 *   open-weight models) → reasoning-delta; summary parts after the first are separated by a blank
 *   line; at the reasoning item's `response.output_item.done`, its `encrypted_content` → a
 *   reasoning-delta with empty text carrying it as the signature (the state the next turn replays
 *   with `store: false`);
 * - function calls: `response.output_item.added` gives call_id and name,
 *   `response.function_call_arguments.delta` fragments are concatenated (`…arguments.done` and the
 *   item's final `arguments` win), and the item's `response.output_item.done` emits one `tool-call`;
 * - `image_generation_call` items → file parts; `url_citation` annotations → source parts;
 * - an item whose content never streamed (a server that only sends `output_item.done`, or a
 *   replayed non-streamed response) is emitted from the item itself;
 * - `response.completed` → usage + finish (`stop`, or `tool-calls` after function calls);
 *   `response.incomplete` → usage + finish from `incomplete_details.reason` (`max_output_tokens` →
 *   length); `response.failed` and `error` events → an `error` part that ends the decoding.
 *
 * Exactly one terminal part, at flush: `finish` after a completed / incomplete response, else a
 * truncation error. Function-call arguments that are not a JSON object end the answer with an
 * error, unless the response was cut at max_output_tokens (the call is dropped; finish `length`).
 * `includeThoughts: false` drops summary text; signatures are kept (Responses does not tie the
 * summary to the encrypted state).
 */
import { GATEWAY_ERROR_STATUS } from '../../common/errors/gateway-error.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { sameUsage } from '../ir/same-usage.js';
import { createToolNameRestorer } from '../ir/upstream-tool-names.js';
import type { Emit, StreamStage } from '../ir/stream-stage.js';
import {
  invalidToolArgumentsError,
  MALFORMED_UPSTREAM_EVENT_ERROR,
  TRUNCATED_UPSTREAM_STREAM_ERROR,
} from '../ir/upstream-stream-errors.js';
import type { Usage } from '../ir/usage.js';
import { parseToolArguments } from '../json/parse-tool-arguments.js';
import { asRecord, readArray, readNumber, readString } from '../json/safe-parse-json.js';
import { openAiErrorToGatewayError } from '../openai-chat/classify-openai-upstream-failure.js';
import { MALFORMED_UPSTREAM_EVENT } from '../sse/parse-upstream-sse-json.js';
import { convertResponsesUsage } from './convert-openai-responses-usage.js';
import { mapResponsesFinishReason } from './map-openai-responses-finish-reason.js';

export interface OpenAiResponsesUpstreamDecoderOptions {
  /** false drops reasoning summary text (signatures are kept); default true */
  includeThoughts?: boolean;
  /** the request's tool names, so calls of aliased names (ir/upstream-tool-names.ts) get the client's name back */
  toolNames?: readonly string[];
}

type ItemState =
  | { kind: 'message'; sawText: boolean }
  | { kind: 'reasoning'; sawText: boolean; summaryIndex: number }
  | { kind: 'function_call'; callId: string; name: string; args: string }
  | { kind: 'other' };

const IMAGE_MEDIA_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

export function createOpenAiResponsesUpstreamStreamDecoder(
  options: OpenAiResponsesUpstreamDecoderOptions = {},
): StreamStage<unknown, ChatStreamPart> {
  const includeThoughts = options.includeThoughts !== false;
  const restoreName = createToolNameRestorer(options.toolNames);

  const items = new Map<number, ItemState>();
  let metadataSent = false;
  let ended = false;
  let finishRaw: string | undefined;
  let sawToolCall = false;
  let invalidToolCall: string | undefined;
  let lastUsage: Usage | undefined;
  let sourceUrls: Set<string> | undefined;

  const fail = (emit: Emit<ChatStreamPart>, part: ChatStreamPart & { type: 'error' }): void => {
    ended = true;
    emit(part);
  };

  const metadata = (response: Record<string, unknown> | undefined, emit: Emit<ChatStreamPart>): void => {
    if (metadataSent || response === undefined) return;
    const id = readString(response['id']);
    const model = readString(response['model']);
    if (id === undefined && model === undefined) return;
    metadataSent = true;
    const part: ChatStreamPart & { type: 'response-metadata' } = { type: 'response-metadata' };
    if (id !== undefined) part.id = id;
    if (model !== undefined) part.model = model;
    const created = readNumber(response['created_at']);
    if (created !== undefined) part.created = created;
    emit(part);
  };

  const usage = (response: Record<string, unknown> | undefined, emit: Emit<ChatStreamPart>): void => {
    const converted = convertResponsesUsage(response?.['usage']);
    if (converted === undefined || (lastUsage !== undefined && sameUsage(lastUsage, converted))) return;
    lastUsage = converted;
    emit({ type: 'usage', usage: converted });
  };

  const source = (annotation: unknown, emit: Emit<ChatStreamPart>): void => {
    const record = asRecord(annotation);
    if (record?.['type'] !== 'url_citation') return;
    const url = readString(record['url']);
    if (url === undefined || url.length === 0) return;
    sourceUrls ??= new Set();
    if (sourceUrls.has(url)) return;
    sourceUrls.add(url);
    const title = readString(record['title']);
    emit({ type: 'source', source: title === undefined ? { url } : { url, title } });
  };

  const itemAt = (index: number | undefined, kind: 'message' | 'reasoning'): ItemState | undefined => {
    if (index === undefined) return undefined;
    let item = items.get(index);
    if (item === undefined) {
      item = kind === 'message' ? { kind, sawText: false } : { kind, sawText: false, summaryIndex: 0 };
      items.set(index, item);
    }
    return item;
  };

  const newItem = (item: Record<string, unknown>): ItemState => {
    switch (item['type']) {
      case 'message':
        return { kind: 'message', sawText: false };
      case 'reasoning':
        return { kind: 'reasoning', sawText: false, summaryIndex: 0 };
      case 'function_call':
        return {
          kind: 'function_call',
          callId: readString(item['call_id']) ?? '',
          name: readString(item['name']) ?? '',
          args: readString(item['arguments']) ?? '',
        };
      default:
        return { kind: 'other' };
    }
  };

  const reasoningText = (state: ItemState | undefined, text: string, summaryIndex: number, emit: Emit<ChatStreamPart>): void => {
    if (state?.kind !== 'reasoning' || text.length === 0 || !includeThoughts) return;
    if (state.sawText && summaryIndex !== state.summaryIndex) emit({ type: 'reasoning-delta', delta: '\n\n' });
    state.summaryIndex = summaryIndex;
    state.sawText = true;
    emit({ type: 'reasoning-delta', delta: text });
  };

  const finishCall = (callId: string, name: string, args: string, index: number, emit: Emit<ChatStreamPart>): void => {
    const input = parseToolArguments(args);
    if (input === undefined || callId.length === 0 || name.length === 0) {
      invalidToolCall ??= name || `#${index}`;
      return;
    }
    sawToolCall = true;
    emit({ type: 'tool-call', toolCallId: callId, toolName: restoreName?.(name) ?? name, input });
  };

  const itemDone = (index: number, item: Record<string, unknown>, emit: Emit<ChatStreamPart>): void => {
    const state = items.get(index) ?? newItem(item);
    items.delete(index);
    switch (item['type']) {
      case 'reasoning': {
        if (state.kind === 'reasoning' && !state.sawText) {
          const summary = readArray(item['summary']) ?? [];
          for (let i = 0; i < summary.length; i++) reasoningText(state, readString(asRecord(summary[i])?.['text']) ?? '', i, emit);
        }
        const encrypted = readString(item['encrypted_content']);
        if (encrypted !== undefined && encrypted.length > 0) emit({ type: 'reasoning-delta', delta: '', signature: encrypted });
        break;
      }
      case 'message': {
        for (const entry of readArray(item['content']) ?? []) {
          const content = asRecord(entry);
          if (content === undefined) continue;
          if (state.kind === 'message' && !state.sawText) {
            const text = readString(content['text']) ?? readString(content['refusal']);
            if (text !== undefined && text.length > 0) emit({ type: 'text-delta', delta: text });
          }
          for (const annotation of readArray(content['annotations']) ?? []) source(annotation, emit);
        }
        break;
      }
      case 'function_call': {
        const pending = state.kind === 'function_call' ? state : undefined;
        finishCall(
          readString(item['call_id']) ?? pending?.callId ?? '',
          readString(item['name']) ?? pending?.name ?? '',
          readString(item['arguments']) ?? pending?.args ?? '',
          index,
          emit,
        );
        break;
      }
      case 'image_generation_call': {
        const result = readString(item['result']);
        if (result === undefined || result.length === 0) break;
        const format = readString(item['output_format']) ?? 'png';
        emit({ type: 'file', mediaType: IMAGE_MEDIA_TYPES[format] ?? `image/${format}`, data: result });
        break;
      }
    }
  };

  /** Function calls whose `output_item.done` never came, at a terminal event. */
  const finishPendingCalls = (emit: Emit<ChatStreamPart>): void => {
    for (const [index, state] of items) {
      if (state.kind === 'function_call') finishCall(state.callId, state.name, state.args, index, emit);
    }
    items.clear();
  };

  return {
    transform(chunk, emit) {
      if (ended) return;
      if (chunk === MALFORMED_UPSTREAM_EVENT) {
        fail(emit, { type: 'error', error: { ...MALFORMED_UPSTREAM_EVENT_ERROR } });
        return;
      }
      const event = asRecord(chunk);
      if (event === undefined) return;
      const index = readNumber(event['output_index']);

      switch (event['type']) {
        case 'response.created':
        case 'response.in_progress':
        case 'response.queued':
          metadata(asRecord(event['response']), emit);
          break;

        case 'response.output_item.added': {
          const item = asRecord(event['item']);
          if (index !== undefined && item !== undefined) items.set(index, newItem(item));
          break;
        }

        case 'response.output_text.delta':
        case 'response.refusal.delta': {
          const delta = readString(event['delta']);
          if (delta === undefined || delta.length === 0) break;
          const state = itemAt(index, 'message');
          if (state?.kind === 'message') state.sawText = true;
          emit({ type: 'text-delta', delta });
          break;
        }

        case 'response.reasoning_summary_text.delta':
          reasoningText(itemAt(index, 'reasoning'), readString(event['delta']) ?? '', readNumber(event['summary_index']) ?? 0, emit);
          break;

        case 'response.reasoning_text.delta':
          reasoningText(itemAt(index, 'reasoning'), readString(event['delta']) ?? '', readNumber(event['content_index']) ?? 0, emit);
          break;

        case 'response.function_call_arguments.delta': {
          const state = index === undefined ? undefined : items.get(index);
          const delta = readString(event['delta']);
          if (state?.kind === 'function_call' && delta !== undefined) state.args += delta;
          break;
        }

        case 'response.function_call_arguments.done': {
          const state = index === undefined ? undefined : items.get(index);
          const args = readString(event['arguments']);
          if (state?.kind === 'function_call' && args !== undefined) state.args = args;
          break;
        }

        case 'response.output_text.annotation.added':
          source(event['annotation'], emit);
          break;

        case 'response.output_item.done': {
          const item = asRecord(event['item']);
          if (index !== undefined && item !== undefined) itemDone(index, item, emit);
          break;
        }

        case 'response.completed':
        case 'response.incomplete': {
          const response = asRecord(event['response']);
          metadata(response, emit);
          finishPendingCalls(emit);
          usage(response, emit);
          finishRaw =
            event['type'] === 'response.completed'
              ? 'completed'
              : (readString(asRecord(response?.['incomplete_details'])?.['reason']) ?? 'incomplete');
          break;
        }

        case 'response.failed': {
          const response = asRecord(event['response']);
          usage(response, emit);
          const error = response?.['error'];
          fail(emit, {
            type: 'error',
            error:
              error === undefined || error === null
                ? { code: 'upstream_unavailable', status: GATEWAY_ERROR_STATUS.upstream_unavailable, message: 'upstream response failed' }
                : openAiErrorToGatewayError(error),
          });
          break;
        }

        case 'error':
          fail(emit, {
            type: 'error',
            error: openAiErrorToGatewayError(asRecord(event['error']) ?? { code: event['code'], message: event['message'] }),
          });
          break;
      }
    },

    flush(emit) {
      if (ended) return;
      ended = true;
      if (finishRaw === undefined) {
        emit({ type: 'error', error: { ...TRUNCATED_UPSTREAM_STREAM_ERROR } });
        return;
      }
      const finishReason = mapResponsesFinishReason(finishRaw, sawToolCall);
      if (invalidToolCall !== undefined && finishReason.unified !== 'length') {
        emit({ type: 'error', error: invalidToolArgumentsError(invalidToolCall) });
        return;
      }
      emit({ type: 'finish', finishReason });
    },
  };
}
