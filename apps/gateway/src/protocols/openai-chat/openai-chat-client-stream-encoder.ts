/**
 * IR stream parts → OpenAI `chat.completion.chunk` SSE, in the order of client-protocols.md §3.2:
 * an opening chunk (role + empty content), reasoning_content deltas, content deltas, one tool_calls
 * delta per call (complete arguments), images deltas, one annotations delta for grounding sources,
 * the finish chunk, a `choices: []` usage chunk when the client asked for usage, then `[DONE]`.
 * One id / created / model for the whole stream, taken from the EncodeContext.
 */
import type { Source } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import type { FinishReason } from '../ir/finish-reason.js';
import type { StreamStage } from '../ir/stream-stage.js';
import type { Usage } from '../ir/usage.js';
import { SSE_DONE, sseData } from '../sse/encode-sse.js';
import type { EncodeContext } from '../protocol-codec.js';
import {
  openAiCompletionId,
  openAiImage,
  toOpenAiFinishReason,
  toOpenAiUsage,
  toolArguments,
  urlCitations,
} from './encode-openai-chat-client-response.js';
import { encodeOpenAiChatClientError } from './openai-chat-errors.js';
import type { OpenAiChatChunkDelta, OpenAiChatCompletionChunk, OpenAiChatFinishReason } from './openai-chat-wire.js';

export function createOpenAiChatClientStreamEncoder(context: EncodeContext): StreamStage<ChatStreamPart, string> {
  const id = openAiCompletionId(context.responseId);
  const created = context.created;
  const model = context.model;
  const includeUsage = context.includeUsage;

  let opened = false;
  let ended = false;
  let toolIndex = 0;
  let imageIndex = 0;
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  let sources: Source[] | undefined;

  const frame = (delta: OpenAiChatChunkDelta | 0, finish: OpenAiChatFinishReason | null): OpenAiChatCompletionChunk => {
    const body: OpenAiChatCompletionChunk = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta: delta as OpenAiChatChunkDelta, finish_reason: finish }],
    };
    if (includeUsage) body.usage = null;
    return body;
  };
  // Every delta chunk of the stream is the same serialized frame around its delta: serialize that
  // frame once (with a placeholder delta) and splice each delta's own serialization into it. The
  // placeholder is found by its first unescaped occurrence, which no string before it can contain.
  const template = JSON.stringify(frame(0, null));
  const at = template.indexOf('"delta":0,') + '"delta":'.length;
  const head = `data: ${template.slice(0, at)}`;
  const tail = `${template.slice(at + 1)}\n\n`;
  const chunk = (delta: OpenAiChatChunkDelta, finish: OpenAiChatFinishReason | null = null): string =>
    finish === null ? head + JSON.stringify(delta) + tail : sseData(frame(delta, finish));

  /** Every answer starts with the role chunk, sent just before the first real delta. */
  const open = (): string => {
    if (opened) return '';
    opened = true;
    return chunk({ role: 'assistant', content: '' });
  };

  return {
    transform(part, emit) {
      if (ended) return;
      switch (part.type) {
        case 'text-delta':
          if (part.delta.length > 0) emit(open() + chunk({ content: part.delta }));
          break;
        case 'reasoning-delta':
          if (part.delta.length > 0) emit(open() + chunk({ reasoning_content: part.delta }));
          break;
        case 'tool-call':
          emit(
            open() +
              chunk({
                tool_calls: [
                  {
                    index: toolIndex++,
                    id: part.toolCallId,
                    type: 'function',
                    function: { name: part.toolName, arguments: toolArguments(part.input) },
                  },
                ],
              }),
          );
          break;
        case 'file':
          emit(open() + chunk({ images: [openAiImage(part.mediaType, part.data, imageIndex++)] }));
          break;
        case 'source':
          (sources ??= []).push(part.source);
          break;
        case 'usage':
          usage = part.usage;
          break;
        case 'finish':
          finishReason = part.finishReason;
          break;
        case 'error':
          ended = true;
          emit(sseData(encodeOpenAiChatClientError(part.error)) + SSE_DONE);
          break;
        case 'response-metadata':
          break;
      }
    },

    flush(emit) {
      if (ended) return;
      ended = true;
      let out = '';
      if (finishReason !== undefined) {
        out += open();
        if (sources !== undefined) out += chunk({ annotations: urlCitations(sources) });
        out += chunk({}, toOpenAiFinishReason(finishReason));
        if (includeUsage && usage !== undefined) {
          const usageChunk: OpenAiChatCompletionChunk = {
            id,
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [],
            usage: toOpenAiUsage(usage),
          };
          out += sseData(usageChunk);
        }
      }
      emit(out + SSE_DONE);
    },
  };
}
