/**
 * IR stream parts → Gemini SSE (`data: <GenerateContentResponse>\n\n` per chunk, no terminator;
 * client-protocols.md §6). Each content part is sent as its own chunk as soon as it arrives; the
 * last chunk carries finishReason, usageMetadata and grounding. That chunk holds one empty text
 * part, as Google's own final chunks do: SDK chat helpers (@google/genai `isValidResponse`) drop a
 * turn whose last chunk has no parts.
 */
import type { Source } from '../ir/chat-response.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import type { FinishReason } from '../ir/finish-reason.js';
import type { StreamStage } from '../ir/stream-stage.js';
import type { Usage } from '../ir/usage.js';
import { sseData } from '../sse/encode-sse.js';
import type { EncodeContext } from '../protocol-codec.js';
import { toGeminiUsageMetadata } from './convert-gemini-usage.js';
import { encodeGeminiClientPart, toGeminiFinishReason, toGroundingMetadata } from './encode-gemini-client-response.js';
import { encodeGeminiClientStreamError } from './gemini-errors.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart, GeminiUsageMetadata } from './gemini-wire.js';

export function createGeminiClientStreamEncoder(context: EncodeContext): StreamStage<ChatStreamPart, string> {
  const modelVersion = context.model;
  const responseId = context.responseId;
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  let sources: Source[] | undefined;
  let ended = false;

  const frame = (candidate: GeminiCandidate, usageMetadata?: GeminiUsageMetadata): string => {
    const chunk: GeminiGenerateContentResponse = { candidates: [candidate] };
    if (usageMetadata !== undefined) chunk.usageMetadata = usageMetadata;
    chunk.modelVersion = modelVersion;
    chunk.responseId = responseId;
    return sseData(chunk);
  };
  const contentFrame = (part: GeminiPart | undefined): string | undefined =>
    part === undefined ? undefined : frame({ content: { role: 'model', parts: [part] } });

  return {
    transform(part, emit) {
      if (ended) return;
      let out: string | undefined;
      switch (part.type) {
        case 'text-delta': {
          const signature = part.providerMetadata?.gemini?.thoughtSignature;
          if (signature !== undefined) out = contentFrame({ text: part.delta, thoughtSignature: signature });
          else if (part.delta.length > 0) out = contentFrame({ text: part.delta });
          break;
        }
        case 'reasoning-delta':
          if (part.signature !== undefined) {
            out = contentFrame({ text: part.delta, thought: true, thoughtSignature: part.signature });
          } else if (part.delta.length > 0) {
            out = contentFrame({ text: part.delta, thought: true });
          }
          break;
        case 'tool-call':
          out = contentFrame(encodeGeminiClientPart(part));
          break;
        case 'file':
          out = contentFrame({ inlineData: { mimeType: part.mediaType, data: part.data } });
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
          out = encodeGeminiClientStreamError(part.error);
          break;
        case 'response-metadata':
          break;
      }
      if (out !== undefined) emit(out);
    },

    flush(emit) {
      if (ended) return;
      ended = true;
      // No finish means the decoder already reported why (an error part); nothing more to say.
      if (finishReason === undefined) return;
      const candidate: GeminiCandidate = {
        content: { role: 'model', parts: [{ text: '' }] },
        finishReason: toGeminiFinishReason(finishReason),
      };
      if (sources !== undefined) candidate.groundingMetadata = toGroundingMetadata(sources);
      emit(frame(candidate, usage === undefined ? undefined : toGeminiUsageMetadata(usage)));
    },
  };
}
