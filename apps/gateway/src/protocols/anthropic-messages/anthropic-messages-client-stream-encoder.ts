/**
 * IR stream parts → Anthropic Messages stream events (client-protocols.md §4.3), then SSE frames
 * (`event: <type>\ndata: <json>\n\n`, no `[DONE]`).
 *
 * Block lifecycle: indexes count from 0 and one block is open at a time. Thought text opens a
 * `thinking` block; its signature (a `signature_delta`) closes it, so a later thought opens a new
 * block, exactly where accumulateStreamParts starts a new reasoning part. Text opens a `text` block.
 * A tool call is one `tool_use` block: start, one `input_json_delta` holding the whole JSON (Gemini
 * sends complete calls), stop. An image is one `image` block carrying the full base64 source.
 *
 * Signatures of text parts and tool calls have no field on those blocks: they ride on a thinking
 * block just before the block they belong to (ir/signature-carrier.ts) — on the open unsigned
 * thinking block when there is one, else on an empty one — so a client replaying the message
 * gives every signature back to the Gemini part that carried it.
 *
 * Grounding sources become `citations_delta`s (web_search_result_location) on the open text block,
 * or on the next text block; sources left at the end get an empty text block of their own.
 *
 * `message_start` is sent with the first part, followed by a `ping` (as the real API does); Gemini
 * reports usage at the end, so its input_tokens are 0 unless usage was already known. The final
 * `message_delta` carries the stop reason and the real usage. An `error` part becomes an `error`
 * event and ends the stream; a stream that ends without a finish also ends with an `error` event,
 * never with `message_stop`.
 */
import type { GatewayErrorShape } from '../../common/errors/gateway-error.js';
import type { Source } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import type { FinishReason } from '../ir/finish-reason.js';
import { encodeSignatureCarrier, type SignedPartKind } from '../ir/signature-carrier.js';
import type { Emit, StreamStage } from '../ir/stream-stage.js';
import { EMPTY_USAGE, type Usage } from '../ir/usage.js';
import type { EncodeContext } from '../protocol-codec.js';
import { sseEvent } from '../sse/encode-sse.js';
import { encodeAnthropicMessagesClientError } from './anthropic-messages-errors.js';
import type {
  AnthropicBlockDelta,
  AnthropicContentBlock,
  AnthropicStreamEvent,
  AnthropicWebSearchCitation,
} from './anthropic-messages-wire.js';
import { toAnthropicUsage } from './convert-anthropic-messages-usage.js';
import { toAnthropicStopReason } from './map-anthropic-messages-finish-reason.js';

/** A stream that stopped without a finish part (the upstream decoder normally reports this itself). */
const INCOMPLETE_STREAM_ERROR: Readonly<GatewayErrorShape> = Object.freeze({
  code: 'upstream_unavailable',
  status: 502,
  message: 'upstream stream ended before completion',
});

export function anthropicMessageId(responseId: string): string {
  return `msg_${responseId}`;
}

export function toAnthropicCitation(source: Source): AnthropicWebSearchCitation {
  return {
    type: 'web_search_result_location',
    url: source.url,
    title: source.title ?? null,
    cited_text: '',
    encrypted_index: '',
  };
}

export interface AnthropicEventStageOptions {
  /**
   * Put each tool call's input object on its `content_block_start` instead of sending `{}` plus an
   * `input_json_delta`. Used when the events are folded into a non-streamed message, to avoid a
   * JSON round trip of the arguments.
   */
  inlineToolInput?: boolean;
}

type OpenBlock = { kind: 'thinking' | 'text'; index: number };

export function createAnthropicMessagesEventStage(
  context: EncodeContext,
  options: AnthropicEventStageOptions = {},
): StreamStage<ChatStreamPart, AnthropicStreamEvent> {
  const id = anthropicMessageId(context.responseId);
  const model = context.model;
  const inlineToolInput = options.inlineToolInput === true;

  let started = false;
  let ended = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  let pendingCitations: AnthropicWebSearchCitation[] | undefined;

  const delta = (index: number, blockDelta: AnthropicBlockDelta): AnthropicStreamEvent => ({
    type: 'content_block_delta',
    index,
    delta: blockDelta,
  });

  const start = (emit: Emit<AnthropicStreamEvent>): void => {
    if (started) return;
    started = true;
    emit({
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage === undefined ? 0 : toAnthropicUsage(usage).input_tokens, output_tokens: 0 },
      },
    });
    emit({ type: 'ping' });
  };

  const close = (emit: Emit<AnthropicStreamEvent>): void => {
    if (open === undefined) return;
    emit({ type: 'content_block_stop', index: open.index });
    open = undefined;
  };

  /** Closes the open block and starts a new one; returns its index. */
  const startBlock = (emit: Emit<AnthropicStreamEvent>, block: AnthropicContentBlock): number => {
    close(emit);
    const index = nextIndex++;
    emit({ type: 'content_block_start', index, content_block: block });
    return index;
  };

  const openThinking = (emit: Emit<AnthropicStreamEvent>): number => {
    if (open?.kind === 'thinking') return open.index;
    const index = startBlock(emit, { type: 'thinking', thinking: '', signature: '' });
    open = { kind: 'thinking', index };
    return index;
  };

  const openText = (emit: Emit<AnthropicStreamEvent>): number => {
    if (open?.kind === 'text') return open.index;
    const index = startBlock(emit, { type: 'text', text: '' });
    open = { kind: 'text', index };
    if (pendingCitations !== undefined) {
      for (const citation of pendingCitations) emit(delta(index, { type: 'citations_delta', citation }));
      pendingCitations = undefined;
    }
    return index;
  };

  /** A text-part or tool-call signature, on the open unsigned thinking block or an empty one. */
  const carry = (emit: Emit<AnthropicStreamEvent>, kind: SignedPartKind, signature: string): void => {
    const index = openThinking(emit);
    emit(delta(index, { type: 'signature_delta', signature: encodeSignatureCarrier(kind, signature) }));
    close(emit);
  };

  const fail = (emit: Emit<AnthropicStreamEvent>, error: GatewayErrorShape): void => {
    ended = true;
    emit(encodeAnthropicMessagesClientError(error));
  };

  return {
    transform(part, emit) {
      if (ended) return;
      switch (part.type) {
        case 'response-metadata':
          start(emit);
          break;

        case 'reasoning-delta': {
          if (part.delta.length === 0 && part.signature === undefined) break;
          start(emit);
          const index = openThinking(emit);
          if (part.delta.length > 0) emit(delta(index, { type: 'thinking_delta', thinking: part.delta }));
          if (part.signature !== undefined) {
            emit(delta(index, { type: 'signature_delta', signature: encodeSignatureCarrier('reasoning', part.signature) }));
            close(emit);
          }
          break;
        }

        case 'text-delta': {
          const signature = part.providerMetadata?.gemini?.thoughtSignature;
          if (part.delta.length === 0 && signature === undefined) break;
          start(emit);
          // the signed text starts a block of its own, right after its signature
          if (signature !== undefined) carry(emit, 'text', signature);
          if (part.delta.length > 0) emit(delta(openText(emit), { type: 'text_delta', text: part.delta }));
          break;
        }

        case 'tool-call': {
          start(emit);
          const signature = part.providerMetadata?.gemini?.thoughtSignature;
          if (signature !== undefined) carry(emit, 'tool-call', signature);
          const input = part.input === undefined ? {} : part.input;
          const index = startBlock(emit, {
            type: 'tool_use',
            id: part.toolCallId,
            name: part.toolName,
            input: inlineToolInput ? input : {},
          });
          if (!inlineToolInput) emit(delta(index, { type: 'input_json_delta', partial_json: JSON.stringify(input) }));
          emit({ type: 'content_block_stop', index });
          break;
        }

        case 'file': {
          start(emit);
          const index = startBlock(emit, {
            type: 'image',
            source: { type: 'base64', media_type: part.mediaType || 'image/png', data: part.data },
          });
          emit({ type: 'content_block_stop', index });
          break;
        }

        case 'source': {
          const citation = toAnthropicCitation(part.source);
          if (open?.kind === 'text') emit(delta(open.index, { type: 'citations_delta', citation }));
          else (pendingCitations ??= []).push(citation);
          break;
        }

        case 'usage':
          usage = part.usage;
          break;

        case 'finish':
          finishReason = part.finishReason;
          break;

        case 'error':
          fail(emit, part.error);
          break;
      }
    },

    flush(emit) {
      if (ended) return;
      if (finishReason === undefined) {
        fail(emit, INCOMPLETE_STREAM_ERROR);
        return;
      }
      ended = true;
      start(emit);
      if (pendingCitations !== undefined) openText(emit);
      close(emit);
      emit({
        type: 'message_delta',
        delta: { stop_reason: toAnthropicStopReason(finishReason), stop_sequence: null },
        usage: toAnthropicUsage(usage ?? EMPTY_USAGE),
      });
      emit({ type: 'message_stop' });
    },
  };
}

/** The event stage rendered as SSE: one string per IR part (all the frames that part produced). */
export function createAnthropicMessagesClientStreamEncoder(context: EncodeContext): StreamStage<ChatStreamPart, string> {
  const stage = createAnthropicMessagesEventStage(context);
  let out = '';
  const collect = (event: AnthropicStreamEvent): void => {
    out += sseEvent(event.type, event);
  };
  const take = (emit: Emit<string>): void => {
    if (out.length === 0) return;
    const frames = out;
    out = '';
    emit(frames);
  };
  return {
    transform(part, emit) {
      stage.transform(part, collect);
      take(emit);
    },
    flush(emit) {
      stage.flush(collect);
      take(emit);
    },
  };
}
