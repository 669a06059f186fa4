/**
 * IR stream parts → OpenAI Responses stream events (client-protocols.md §5), then SSE frames
 * (`event: <type>\ndata: <json>\n\n`, no `[DONE]`). Every event carries `sequence_number`, counting
 * from 0 (`response.created`) by one.
 *
 * Output items, one open at a time, output_index counting from 0:
 * - thought text → a `reasoning` item with one `summary_text` part; its signature closes it (a later
 *   thought opens a new item, where accumulateStreamParts starts a new reasoning part) and travels
 *   in `encrypted_content`, which clients replay;
 * - text → a `message` item with one `output_text` part; grounding sources become `url_citation`
 *   annotations on it (or on the next message; sources left at the end get an empty message);
 * - a tool call → a `function_call` item (`fc_<call_id>`), its whole arguments in one delta;
 * - an image → an `image_generation_call` item whose `result` is the base64 data.
 * Signatures of text parts and tool calls ride on a reasoning item placed just before the item they
 * belong to (ir/signature-carrier.ts): the open unsigned reasoning item when there is one, else an
 * empty one.
 *
 * Terminal event: `response.completed`; `response.incomplete` (incomplete_details) for a
 * max-tokens or content-filter stop; and for an IR `error` part — or a stream that ends without a
 * finish — an `error` event (the openai SDK raises it) followed by `response.failed` carrying the
 * error object. The terminal response holds every output item and the usage.
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
import { openAiResponsesErrorEvent, toResponsesErrorCode } from './openai-responses-errors.js';
import { buildResponsesEcho } from './build-responses-echo.js';
import { toResponsesUsage } from './convert-openai-responses-usage.js';
import type {
  ResponsesEcho,
  ResponsesItemStatus,
  ResponsesMessageItem,
  ResponsesOutputItem,
  ResponsesOutputText,
  ResponsesReasoningItem,
  ResponsesResponse,
  ResponsesStatus,
  ResponsesStreamEvent,
  ResponsesUrlCitation,
} from './openai-responses-wire.js';

/** A stream that stopped without a finish part (the upstream decoder normally reports this itself). */
const INCOMPLETE_STREAM_ERROR: Readonly<GatewayErrorShape> = Object.freeze({
  code: 'upstream_unavailable',
  status: 502,
  message: 'upstream stream ended before completion',
});

export function openAiResponseId(responseId: string): string {
  return `resp_${responseId}`;
}

/** A grounding source as a url_citation (no text offsets are known: 0..0, as on Chat Completions). */
export function toResponsesCitation(source: Source): ResponsesUrlCitation {
  return { type: 'url_citation', url: source.url, title: source.title ?? source.url, start_index: 0, end_index: 0 };
}

const IMAGE_OUTPUT_FORMATS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

interface OpenReasoning {
  kind: 'reasoning';
  index: number;
  id: string;
  text: string;
  hasPart: boolean;
  signature?: string;
}

interface OpenMessage {
  kind: 'message';
  index: number;
  id: string;
  text: string;
  annotations: ResponsesUrlCitation[];
}

export function createOpenAiResponsesEventStage(context: EncodeContext): StreamStage<ChatStreamPart, ResponsesStreamEvent> {
  const responseId = openAiResponseId(context.responseId);
  const itemPrefix = context.responseId;
  const createdAt = context.created;
  let echo: ResponsesEcho | undefined;

  let sequence = 0;
  let started = false;
  let ended = false;
  let nextIndex = 0;
  let open: OpenReasoning | OpenMessage | undefined;
  const output: ResponsesOutputItem[] = [];
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  let pendingCitations: ResponsesUrlCitation[] | undefined;

  const response = (status: ResponsesStatus, final: boolean): ResponsesResponse => {
    echo ??= buildResponsesEcho(context.clientRequest, context.model);
    return {
      id: responseId,
      object: 'response',
      created_at: createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      instructions: echo.instructions,
      max_output_tokens: echo.max_output_tokens,
      max_tool_calls: echo.max_tool_calls,
      model: echo.model,
      output: final ? output : [],
      parallel_tool_calls: echo.parallel_tool_calls,
      previous_response_id: echo.previous_response_id,
      reasoning: echo.reasoning,
      store: echo.store,
      temperature: echo.temperature,
      text: echo.text,
      tool_choice: echo.tool_choice,
      tools: echo.tools,
      top_p: echo.top_p,
      truncation: echo.truncation,
      usage: final ? toResponsesUsage(usage ?? EMPTY_USAGE) : null,
      metadata: echo.metadata,
    };
  };

  const start = (emit: Emit<ResponsesStreamEvent>): void => {
    if (started) return;
    started = true;
    emit({ type: 'response.created', sequence_number: sequence++, response: response('in_progress', false) });
    emit({ type: 'response.in_progress', sequence_number: sequence++, response: response('in_progress', false) });
  };

  const itemDone = (emit: Emit<ResponsesStreamEvent>, index: number, item: ResponsesOutputItem): void => {
    output.push(item);
    emit({ type: 'response.output_item.done', sequence_number: sequence++, output_index: index, item });
  };

  const close = (emit: Emit<ResponsesStreamEvent>, status: ResponsesItemStatus): void => {
    const item = open;
    if (item === undefined) return;
    open = undefined;
    if (item.kind === 'reasoning') {
      const summary: ResponsesReasoningItem['summary'] = [];
      if (item.hasPart) {
        const part = { type: 'summary_text' as const, text: item.text };
        const common = { item_id: item.id, output_index: item.index, summary_index: 0 };
        emit({ type: 'response.reasoning_summary_text.done', sequence_number: sequence++, ...common, text: item.text });
        emit({ type: 'response.reasoning_summary_part.done', sequence_number: sequence++, ...common, part });
        summary.push(part);
      }
      const done: ResponsesReasoningItem = { id: item.id, type: 'reasoning', status, summary };
      if (item.signature !== undefined) done.encrypted_content = item.signature;
      itemDone(emit, item.index, done);
    } else {
      const common = { item_id: item.id, output_index: item.index, content_index: 0 };
      const part: ResponsesOutputText = { type: 'output_text', annotations: item.annotations, logprobs: [], text: item.text };
      emit({ type: 'response.output_text.done', sequence_number: sequence++, ...common, text: item.text, logprobs: [] });
      emit({ type: 'response.content_part.done', sequence_number: sequence++, ...common, part });
      const done: ResponsesMessageItem = { id: item.id, type: 'message', status, role: 'assistant', content: [part] };
      itemDone(emit, item.index, done);
    }
  };

  const openReasoning = (emit: Emit<ResponsesStreamEvent>): OpenReasoning => {
    if (open?.kind === 'reasoning') return open;
    close(emit, 'completed');
    const index = nextIndex++;
    const item: OpenReasoning = { kind: 'reasoning', index, id: `rs_${itemPrefix}_${index}`, text: '', hasPart: false };
    open = item;
    emit({
      type: 'response.output_item.added',
      sequence_number: sequence++,
      output_index: index,
      item: { id: item.id, type: 'reasoning', status: 'in_progress', summary: [] },
    });
    return item;
  };

  const addCitation = (emit: Emit<ResponsesStreamEvent>, item: OpenMessage, annotation: ResponsesUrlCitation): void => {
    emit({
      type: 'response.output_text.annotation.added',
      sequence_number: sequence++,
      item_id: item.id,
      output_index: item.index,
      content_index: 0,
      annotation_index: item.annotations.length,
      annotation,
    });
    item.annotations.push(annotation);
  };

  const openMessage = (emit: Emit<ResponsesStreamEvent>): OpenMessage => {
    if (open?.kind === 'message') return open;
    close(emit, 'completed');
    const index = nextIndex++;
    const item: OpenMessage = { kind: 'message', index, id: `msg_${itemPrefix}_${index}`, text: '', annotations: [] };
    open = item;
    emit({
      type: 'response.output_item.added',
      sequence_number: sequence++,
      output_index: index,
      item: { id: item.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    });
    emit({
      type: 'response.content_part.added',
      sequence_number: sequence++,
      item_id: item.id,
      output_index: index,
      content_index: 0,
      part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
    });
    if (pendingCitations !== undefined) {
      for (const annotation of pendingCitations) addCitation(emit, item, annotation);
      pendingCitations = undefined;
    }
    return item;
  };

  /** A text-part or tool-call signature, on the open unsigned reasoning item or an empty one. */
  const carry = (emit: Emit<ResponsesStreamEvent>, kind: SignedPartKind, signature: string): void => {
    openReasoning(emit).signature = encodeSignatureCarrier(kind, signature);
    close(emit, 'completed');
  };

  const fail = (emit: Emit<ResponsesStreamEvent>, error: GatewayErrorShape): void => {
    ended = true;
    start(emit);
    close(emit, 'incomplete');
    emit(openAiResponsesErrorEvent(error, sequence++));
    const failed = response('failed', true);
    failed.error = { code: toResponsesErrorCode(error.code), message: error.message };
    if (usage === undefined) failed.usage = null;
    emit({ type: 'response.failed', sequence_number: sequence++, response: failed });
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
          const item = openReasoning(emit);
          if (part.delta.length > 0) {
            const common = { item_id: item.id, output_index: item.index, summary_index: 0 };
            if (!item.hasPart) {
              item.hasPart = true;
              emit({
                type: 'response.reasoning_summary_part.added',
                sequence_number: sequence++,
                ...common,
                part: { type: 'summary_text', text: '' },
              });
            }
            item.text += part.delta;
            emit({ type: 'response.reasoning_summary_text.delta', sequence_number: sequence++, ...common, delta: part.delta });
          }
          if (part.signature !== undefined) {
            item.signature = encodeSignatureCarrier('reasoning', part.signature);
            close(emit, 'completed');
          }
          break;
        }

        case 'text-delta': {
          const signature = part.providerMetadata?.gemini?.thoughtSignature;
          if (part.delta.length === 0 && signature === undefined) break;
          start(emit);
          if (signature !== undefined) carry(emit, 'text', signature);
          if (part.delta.length > 0) {
            const item = openMessage(emit);
            item.text += part.delta;
            emit({
              type: 'response.output_text.delta',
              sequence_number: sequence++,
              item_id: item.id,
              output_index: item.index,
              content_index: 0,
              delta: part.delta,
              logprobs: [],
            });
          }
          break;
        }

        case 'tool-call': {
          start(emit);
          const signature = part.providerMetadata?.gemini?.thoughtSignature;
          if (signature !== undefined) carry(emit, 'tool-call', signature);
          else close(emit, 'completed');
          const index = nextIndex++;
          const id = `fc_${part.toolCallId}`;
          const args = part.input === undefined ? '{}' : JSON.stringify(part.input);
          emit({
            type: 'response.output_item.added',
            sequence_number: sequence++,
            output_index: index,
            item: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: part.toolCallId, name: part.toolName },
          });
          emit({ type: 'response.function_call_arguments.delta', sequence_number: sequence++, item_id: id, output_index: index, delta: args });
          emit({ type: 'response.function_call_arguments.done', sequence_number: sequence++, item_id: id, output_index: index, arguments: args });
          itemDone(emit, index, {
            id,
            type: 'function_call',
            status: 'completed',
            arguments: args,
            call_id: part.toolCallId,
            name: part.toolName,
          });
          break;
        }

        case 'file': {
          start(emit);
          close(emit, 'completed');
          const index = nextIndex++;
          const id = `ig_${itemPrefix}_${index}`;
          emit({
            type: 'response.output_item.added',
            sequence_number: sequence++,
            output_index: index,
            item: { id, type: 'image_generation_call', status: 'in_progress', result: null },
          });
          emit({ type: 'response.image_generation_call.in_progress', sequence_number: sequence++, item_id: id, output_index: index });
          emit({ type: 'response.image_generation_call.completed', sequence_number: sequence++, item_id: id, output_index: index });
          const format = IMAGE_OUTPUT_FORMATS[part.mediaType];
          itemDone(
            emit,
            index,
            format === undefined
              ? { id, type: 'image_generation_call', status: 'completed', result: part.data }
              : { id, type: 'image_generation_call', status: 'completed', result: part.data, output_format: format },
          );
          break;
        }

        case 'source': {
          const annotation = toResponsesCitation(part.source);
          if (open?.kind === 'message') addCitation(emit, open, annotation);
          else (pendingCitations ??= []).push(annotation);
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
      if (pendingCitations !== undefined) openMessage(emit);
      const reason =
        finishReason.unified === 'length' ? 'max_output_tokens' : finishReason.unified === 'content-filter' ? 'content_filter' : undefined;
      close(emit, reason === undefined ? 'completed' : 'incomplete');
      if (reason === undefined) {
        emit({ type: 'response.completed', sequence_number: sequence++, response: response('completed', true) });
      } else {
        const incomplete = response('incomplete', true);
        incomplete.incomplete_details = { reason };
        emit({ type: 'response.incomplete', sequence_number: sequence++, response: incomplete });
      }
    },
  };
}

/** The event stage rendered as SSE: one string per IR part (all the frames that part produced). */
export function createOpenAiResponsesClientStreamEncoder(context: EncodeContext): StreamStage<ChatStreamPart, string> {
  const stage = createOpenAiResponsesEventStage(context);
  let out = '';
  const collect = (event: ResponsesStreamEvent): void => {
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
