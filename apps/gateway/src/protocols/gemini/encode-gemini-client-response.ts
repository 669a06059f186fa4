/**
 * IR ChatResponse → Gemini GenerateContentResponse, the unwrapped `response` object a Gemini client
 * expects (client-protocols.md §6): thoughts as `{text, thought: true}`, signatures back as
 * `thoughtSignature`, files as `inlineData`, sources as groundingMetadata. Function-call ids are
 * not shown: Gemini does not send them on this surface and the gateway's minted ids mean nothing
 * to a Gemini client.
 */
import type { AssistantContentPart } from '../ir/chat-request.js';
import type { ChatResponse, Source } from '../ir/chat-response.js';
import type { FinishReason } from '../ir/finish-reason.js';
import { isJsonObject } from '../json/safe-parse-json.js';
import type { EncodeContext } from '../protocol-codec.js';
import { toGeminiUsageMetadata } from './convert-gemini-usage.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiGroundingMetadata, GeminiPart } from './gemini-wire.js';

export function encodeGeminiClientResponse(response: ChatResponse, context: EncodeContext): GeminiGenerateContentResponse {
  const parts: GeminiPart[] = [];
  for (const part of response.content) {
    const encoded = encodeGeminiClientPart(part);
    if (encoded !== undefined) parts.push(encoded);
  }
  const candidate: GeminiCandidate = {
    content: { role: 'model', parts },
    finishReason: toGeminiFinishReason(response.finishReason),
  };
  if (response.sources.length > 0) candidate.groundingMetadata = toGroundingMetadata(response.sources);
  return {
    candidates: [candidate],
    usageMetadata: toGeminiUsageMetadata(response.usage),
    modelVersion: context.model,
    responseId: context.responseId,
  };
}

/** One IR content part as a Gemini part; undefined for parts with nothing to say. */
export function encodeGeminiClientPart(part: AssistantContentPart): GeminiPart | undefined {
  switch (part.type) {
    case 'text': {
      const signature = part.providerMetadata?.gemini?.thoughtSignature;
      if (signature !== undefined) return { text: part.text, thoughtSignature: signature };
      return part.text.length === 0 ? undefined : { text: part.text };
    }
    case 'reasoning':
      if (part.signature !== undefined) return { text: part.text, thought: true, thoughtSignature: part.signature };
      return part.text.length === 0 ? undefined : { text: part.text, thought: true };
    case 'tool-call': {
      const call: GeminiPart = {
        functionCall: { name: part.toolName, args: isJsonObject(part.input) ? part.input : {} },
      };
      const signature = part.providerMetadata?.gemini?.thoughtSignature;
      if (signature !== undefined) call.thoughtSignature = signature;
      return call;
    }
    case 'file':
      return part.data === undefined ? undefined : { inlineData: { mimeType: part.mediaType, data: part.data } };
  }
}

/**
 * IR finish → Gemini finishReason. Tool turns are STOP on Gemini; lossy unified values (filters,
 * "other") give back Google's raw reason when there is one.
 */
export function toGeminiFinishReason(finishReason: FinishReason): string {
  switch (finishReason.unified) {
    case 'stop':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return finishReason.raw ?? 'SAFETY';
    case 'error':
      return 'OTHER';
    case 'other':
      return finishReason.raw ?? 'OTHER';
  }
}

export function toGroundingMetadata(sources: readonly Source[]): GeminiGroundingMetadata {
  return {
    groundingChunks: sources.map((source) => ({
      web: source.title === undefined ? { uri: source.url } : { uri: source.url, title: source.title },
    })),
  };
}
