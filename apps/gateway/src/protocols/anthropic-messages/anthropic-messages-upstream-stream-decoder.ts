/**
 * Anthropic Messages stream events (the parsed `data` of each SSE event; its `type` names the
 * event, so the SSE `event:` line is not needed) → IR stream parts.
 *
 * - `message_start` → a first `usage` (input counts, so an Anthropic client's own message_start
 *   can carry them) and `response-metadata` (id, model);
 * - content blocks, tracked by `index` in a Map: `text` → text-delta (and `citations_delta` web
 *   results → `source` parts); `thinking` → reasoning-delta, its `signature_delta` → a
 *   reasoning-delta with empty text carrying the signature (which ends the IR reasoning part, as
 *   the block ends); `redacted_thinking` → an empty reasoning-delta whose signature is the
 *   redacted-thinking carrier (anthropic-messages-upstream-wire.ts); `tool_use` → its
 *   `input_json_delta` fragments are concatenated and parsed once at `content_block_stop` into one
 *   `tool-call` (a no-argument tool sends none: its start `input` is used). Server-tool blocks
 *   (`server_tool_use`, `web_search_tool_result`, …) have no IR form and are skipped;
 * - `message_delta` → the stop reason and a `usage` update (cumulative counts); `ping` is ignored;
 * - `error` → an `error` part that ends the decoding; so does an event that was not JSON.
 *
 * Exactly one terminal part, at flush: `finish` when `message_stop` arrived, else a truncation
 * error. A tool call with arguments that are not a JSON object ends the answer with an error,
 * unless the turn stopped at `max_tokens` (the cut call is dropped; the finish says `length`).
 *
 * `includeThoughts: false` drops thought text. A thinking block whose text was dropped loses its
 * signature too — the API refuses a replayed block whose text was altered, while a missing block
 * only makes the encoder leave thinking off for that tool loop — but a block that came without text
 * (`display: "omitted"`, redacted thinking) keeps it, so tool loops keep their thinking.
 */
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import type { FinishReason } from '../ir/finish-reason.js';
import type { JsonObject } from '../ir/provider-metadata.js';
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
import { asRecord, isJsonObject, readArray, readNumber, readString } from '../json/safe-parse-json.js';
import { MALFORMED_UPSTREAM_EVENT } from '../sse/parse-upstream-sse-json.js';
import { redactedThinkingSignature } from './anthropic-messages-upstream-wire.js';
import { anthropicErrorToGatewayError } from './classify-anthropic-upstream-failure.js';
import {
  convertAnthropicUsage,
  emptyAnthropicUsageCounters,
  mergeAnthropicUsage,
  type AnthropicUsageCounters,
} from './convert-anthropic-messages-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-messages-finish-reason.js';

export interface AnthropicMessagesUpstreamDecoderOptions {
  /** false drops thought text (see the header); default true */
  includeThoughts?: boolean;
  /** the request's tool names, so calls of aliased names (ir/upstream-tool-names.ts) get the client's name back */
  toolNames?: readonly string[];
}

type OpenBlock =
  | { kind: 'text' }
  | { kind: 'thinking'; textDropped: boolean }
  | { kind: 'tool_use'; id: string; name: string; json: string; startInput: JsonObject | undefined }
  | { kind: 'other' };

const OTHER_BLOCK: OpenBlock = Object.freeze({ kind: 'other' });

export function createAnthropicMessagesUpstreamStreamDecoder(
  options: AnthropicMessagesUpstreamDecoderOptions = {},
): StreamStage<unknown, ChatStreamPart> {
  const includeThoughts = options.includeThoughts !== false;
  const restoreName = createToolNameRestorer(options.toolNames);

  const blocks = new Map<number, OpenBlock>();
  const counters: AnthropicUsageCounters = emptyAnthropicUsageCounters();
  let metadataSent = false;
  let ended = false;
  let stopped = false;
  let stopRaw: string | undefined;
  let sawToolCall = false;
  let invalidToolCall: string | undefined;
  let lastUsage: Usage | undefined;
  let sourceUrls: Set<string> | undefined;

  const fail = (emit: Emit<ChatStreamPart>, part: ChatStreamPart & { type: 'error' }): void => {
    ended = true;
    emit(part);
  };

  const emitUsage = (emit: Emit<ChatStreamPart>): void => {
    const usage = convertAnthropicUsage(counters);
    if (lastUsage !== undefined && sameUsage(lastUsage, usage)) return;
    lastUsage = usage;
    emit({ type: 'usage', usage });
  };

  const emitCitation = (citation: unknown, emit: Emit<ChatStreamPart>): void => {
    const record = asRecord(citation);
    const url = readString(record?.['url']);
    if (url === undefined || url.length === 0) return;
    sourceUrls ??= new Set();
    if (sourceUrls.has(url)) return;
    sourceUrls.add(url);
    const title = readString(record?.['title']);
    emit({ type: 'source', source: title === undefined ? { url } : { url, title } });
  };

  const thought = (block: OpenBlock & { kind: 'thinking' }, text: string, emit: Emit<ChatStreamPart>): void => {
    if (text.length === 0) return;
    if (includeThoughts) emit({ type: 'reasoning-delta', delta: text });
    else block.textDropped = true;
  };

  const signature = (block: OpenBlock & { kind: 'thinking' }, value: string, emit: Emit<ChatStreamPart>): void => {
    if (value.length === 0 || block.textDropped) return;
    emit({ type: 'reasoning-delta', delta: '', signature: value });
  };

  const startBlock = (index: number, content: Record<string, unknown>, emit: Emit<ChatStreamPart>): void => {
    switch (content['type']) {
      case 'text': {
        blocks.set(index, { kind: 'text' });
        const text = readString(content['text']);
        if (text !== undefined && text.length > 0) emit({ type: 'text-delta', delta: text });
        const citations = readArray(content['citations']);
        if (citations !== undefined) for (const citation of citations) emitCitation(citation, emit);
        break;
      }
      case 'thinking': {
        const block: OpenBlock & { kind: 'thinking' } = { kind: 'thinking', textDropped: false };
        blocks.set(index, block);
        thought(block, readString(content['thinking']) ?? '', emit);
        signature(block, readString(content['signature']) ?? '', emit);
        break;
      }
      case 'redacted_thinking': {
        blocks.set(index, OTHER_BLOCK);
        const data = readString(content['data']);
        if (data !== undefined && data.length > 0) emit({ type: 'reasoning-delta', delta: '', signature: redactedThinkingSignature(data) });
        break;
      }
      case 'tool_use': {
        const input = content['input'];
        blocks.set(index, {
          kind: 'tool_use',
          id: readString(content['id']) ?? '',
          name: readString(content['name']) ?? '',
          json: '',
          startInput: isJsonObject(input) ? input : undefined,
        });
        break;
      }
      default:
        blocks.set(index, OTHER_BLOCK);
    }
  };

  const blockDelta = (block: OpenBlock, delta: Record<string, unknown>, emit: Emit<ChatStreamPart>): void => {
    switch (delta['type']) {
      case 'text_delta': {
        const text = readString(delta['text']);
        if (text !== undefined && text.length > 0) emit({ type: 'text-delta', delta: text });
        break;
      }
      case 'thinking_delta':
        if (block.kind === 'thinking') thought(block, readString(delta['thinking']) ?? '', emit);
        break;
      case 'signature_delta':
        if (block.kind === 'thinking') signature(block, readString(delta['signature']) ?? '', emit);
        break;
      case 'input_json_delta':
        if (block.kind === 'tool_use') {
          const fragment = delta['partial_json'];
          if (typeof fragment === 'string') block.json += fragment;
        }
        break;
      case 'citations_delta':
        emitCitation(delta['citation'], emit);
        break;
    }
  };

  const stopBlock = (index: number, emit: Emit<ChatStreamPart>): void => {
    const block = blocks.get(index);
    if (block === undefined) return;
    blocks.delete(index);
    if (block.kind !== 'tool_use') return;
    const input = block.json.length > 0 ? parseToolArguments(block.json) : (block.startInput ?? {});
    if (input === undefined || block.id.length === 0 || block.name.length === 0) {
      invalidToolCall ??= block.name || `#${index}`;
      return;
    }
    sawToolCall = true;
    emit({ type: 'tool-call', toolCallId: block.id, toolName: restoreName?.(block.name) ?? block.name, input });
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

      switch (event['type']) {
        case 'message_start': {
          const message = asRecord(event['message']);
          if (message === undefined) break;
          // usage first: an Anthropic client's message_start then carries the real input counts
          if (mergeAnthropicUsage(counters, message['usage'])) emitUsage(emit);
          if (!metadataSent) {
            const id = readString(message['id']);
            const model = readString(message['model']);
            if (id !== undefined || model !== undefined) {
              metadataSent = true;
              const metadata: ChatStreamPart & { type: 'response-metadata' } = { type: 'response-metadata' };
              if (id !== undefined) metadata.id = id;
              if (model !== undefined) metadata.model = model;
              emit(metadata);
            }
          }
          break;
        }
        case 'content_block_start': {
          const index = readNumber(event['index']);
          const content = asRecord(event['content_block']);
          if (index !== undefined && content !== undefined) startBlock(index, content, emit);
          break;
        }
        case 'content_block_delta': {
          const index = readNumber(event['index']);
          const block = index === undefined ? undefined : blocks.get(index);
          const delta = asRecord(event['delta']);
          if (block !== undefined && delta !== undefined) blockDelta(block, delta, emit);
          break;
        }
        case 'content_block_stop': {
          const index = readNumber(event['index']);
          if (index !== undefined) stopBlock(index, emit);
          break;
        }
        case 'message_delta': {
          const reason = readString(asRecord(event['delta'])?.['stop_reason']);
          if (reason !== undefined) stopRaw = reason;
          if (mergeAnthropicUsage(counters, event['usage'])) emitUsage(emit);
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
        case 'error':
          fail(emit, { type: 'error', error: anthropicErrorToGatewayError(event) });
          break;
      }
    },

    flush(emit) {
      if (ended) return;
      ended = true;
      if (!stopped) {
        emit({ type: 'error', error: { ...TRUNCATED_UPSTREAM_STREAM_ERROR } });
        return;
      }
      const finishReason: FinishReason =
        stopRaw === undefined ? { unified: sawToolCall ? 'tool-calls' : 'other' } : mapAnthropicStopReason(stopRaw, sawToolCall);
      if (invalidToolCall !== undefined && finishReason.unified !== 'length') {
        emit({ type: 'error', error: invalidToolArgumentsError(invalidToolCall) });
        return;
      }
      emit({ type: 'finish', finishReason });
    },
  };
}
