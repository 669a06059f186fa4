/**
 * Gemini GenerateContentResponse chunks (already unwrapped from the Code Assist envelope) → IR
 * stream parts. Every chunk is a delta (upstream-google.md §4).
 *
 * Guarantees:
 * - `response-metadata` at most once, as soon as responseId / modelVersion are known;
 * - exactly one terminal part: `finish` at flush (after the last `usage`) when Google sent a
 *   finishReason (or blocked the prompt), else an `error` (a truncated stream never passes as
 *   complete); an in-stream Google error becomes an `error` part and ends the decoding;
 * - malformed chunks never throw: wrong-typed fields are ignored, a non-object chunk is skipped.
 */
import { randomBytes } from 'node:crypto';
import type { GatewayErrorShape } from '../../common/errors/gateway-error.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import type { ProviderMetadata } from '../ir/provider-metadata.js';
import type { StreamStage } from '../ir/stream-stage.js';
import type { Usage } from '../ir/usage.js';
import { asRecord, isJsonObject, readString } from '../json/safe-parse-json.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { googleErrorToGatewayError } from './gemini-errors.js';
import {
  readCandidateParts,
  readFirstCandidate,
  readFunctionCall,
  readGoogleError,
  readGroundingWebSources,
  readInlineData,
  readUsageMetadata,
} from './gemini-wire.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export interface GeminiUpstreamDecoderOptions {
  /** false drops thought text (usage still counts the thoughts) */
  includeThoughts: boolean;
  /** mints ids for function calls Google sent without one; injectable for stable snapshots */
  generateToolCallId?: () => string;
}

/** `call_` + 24 hex characters (gcli2api V2 form). */
export function mintToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

export const TRUNCATED_STREAM_ERROR: Readonly<GatewayErrorShape> = Object.freeze({
  code: 'upstream_unavailable',
  status: 502,
  message: 'upstream stream ended before completion',
});

export function createGeminiUpstreamStreamDecoder(
  options: GeminiUpstreamDecoderOptions,
): StreamStage<unknown, ChatStreamPart> {
  const includeThoughts = options.includeThoughts;
  const generateToolCallId = options.generateToolCallId ?? mintToolCallId;

  let metadataSent = false;
  let finishRaw: string | undefined;
  let promptBlocked = false;
  let sawToolCall = false;
  let ended = false;
  let lastUsage: Usage | undefined;
  let sourceUrls: Set<string> | undefined;

  return {
    transform(chunk, emit) {
      if (ended) return;
      const response = asRecord(chunk);
      if (response === undefined) return;

      const googleError = readGoogleError(response);
      if (googleError !== undefined) {
        ended = true;
        emit({ type: 'error', error: googleErrorToGatewayError(googleError) });
        return;
      }

      if (!metadataSent) {
        const id = readString(response['responseId']);
        const model = readString(response['modelVersion']);
        if (id !== undefined || model !== undefined) {
          metadataSent = true;
          const metadata: ChatStreamPart & { type: 'response-metadata' } = { type: 'response-metadata' };
          if (id !== undefined) metadata.id = id;
          if (model !== undefined) metadata.model = model;
          const createTime = readString(response['createTime']);
          if (createTime !== undefined) {
            const ms = Date.parse(createTime);
            if (!Number.isNaN(ms)) metadata.created = Math.floor(ms / 1000);
          }
          emit(metadata);
        }
      }

      const candidate = readFirstCandidate(response);
      if (candidate !== undefined) {
        for (const part of readCandidateParts(candidate)) {
          const signature = readString(part['thoughtSignature']);
          const text = part['text'];

          if (part['thought'] === true) {
            // Thought summaries (and thought images, which the IR cannot carry: only their signature survives).
            if (!includeThoughts) continue;
            const thought = typeof text === 'string' ? text : '';
            if (thought.length === 0 && signature === undefined) continue;
            emit(signature === undefined
              ? { type: 'reasoning-delta', delta: thought }
              : { type: 'reasoning-delta', delta: thought, signature });
            continue;
          }

          if (typeof text === 'string') {
            if (text.length === 0 && signature === undefined) continue;
            emit(signature === undefined
              ? { type: 'text-delta', delta: text }
              : { type: 'text-delta', delta: text, providerMetadata: geminiSignature(signature) });
            continue;
          }

          const functionCall = readFunctionCall(part['functionCall']);
          if (functionCall !== undefined) {
            sawToolCall = true;
            const call: ChatStreamPart & { type: 'tool-call' } = {
              type: 'tool-call',
              toolCallId: functionCall.id ?? generateToolCallId(),
              toolName: functionCall.name,
              input: isJsonObject(functionCall.args) ? functionCall.args : {},
            };
            if (signature !== undefined) call.providerMetadata = geminiSignature(signature);
            emit(call);
            continue;
          }

          const inlineData = readInlineData(part['inlineData']);
          if (inlineData !== undefined) {
            emit({ type: 'file', mediaType: inlineData.mimeType, data: inlineData.data });
            continue;
          }

          const code = asRecord(part['executableCode']);
          if (code !== undefined) {
            const source = readString(code['code']);
            if (source !== undefined) {
              const language = (readString(code['language']) ?? '').toLowerCase();
              const fence = language === 'language_unspecified' ? '' : language;
              emit({ type: 'text-delta', delta: `\n\`\`\`${fence}\n${source}\n\`\`\`\n` });
            }
            continue;
          }

          const result = asRecord(part['codeExecutionResult']);
          if (result !== undefined) {
            const output = readString(result['output']);
            if (output !== undefined) emit({ type: 'text-delta', delta: `\n\`\`\`output\n${output}\n\`\`\`\n` });
            continue;
          }

          // A bare signature part: keep the signature on an empty text delta so it can be replayed.
          if (signature !== undefined) emit({ type: 'text-delta', delta: '', providerMetadata: geminiSignature(signature) });
        }

        for (const web of readGroundingWebSources(candidate['groundingMetadata'])) {
          sourceUrls ??= new Set();
          if (sourceUrls.has(web.uri)) continue;
          sourceUrls.add(web.uri);
          emit({ type: 'source', source: web.title === undefined ? { url: web.uri } : { url: web.uri, title: web.title } });
        }

        const finishReason = readString(candidate['finishReason']);
        if (finishReason !== undefined && finishReason !== 'FINISH_REASON_UNSPECIFIED') finishRaw = finishReason;
      } else {
        const feedback = asRecord(response['promptFeedback']);
        const blockReason = feedback === undefined ? undefined : readString(feedback['blockReason']);
        if (blockReason !== undefined && blockReason !== 'BLOCK_REASON_UNSPECIFIED') {
          finishRaw = blockReason;
          promptBlocked = true;
        }
      }

      const usageMetadata = readUsageMetadata(response['usageMetadata']);
      if (usageMetadata !== undefined) {
        const usage = convertGeminiUsage(usageMetadata);
        if (lastUsage === undefined || !sameUsage(lastUsage, usage)) {
          lastUsage = usage;
          emit({ type: 'usage', usage });
        }
      }
    },

    flush(emit) {
      if (ended) return;
      ended = true;
      if (finishRaw === undefined) {
        emit({ type: 'error', error: { ...TRUNCATED_STREAM_ERROR } });
        return;
      }
      emit({
        type: 'finish',
        finishReason: promptBlocked
          ? { unified: 'content-filter', raw: finishRaw }
          : mapGeminiFinishReason(finishRaw, sawToolCall),
      });
    },
  };
}

function geminiSignature(thoughtSignature: string): ProviderMetadata {
  return { gemini: { thoughtSignature } };
}

function sameUsage(a: Usage, b: Usage): boolean {
  return (
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.reasoningTokens === b.reasoningTokens &&
    a.cachedInputTokens === b.cachedInputTokens &&
    a.totalTokens === b.totalTokens
  );
}
