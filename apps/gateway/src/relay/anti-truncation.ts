import type { ChatRequest, TextPart } from '../protocols/ir/chat-request.js';
import type { ChatStreamPart } from '../protocols/ir/chat-stream-part.js';
import type { FinishReason } from '../protocols/ir/finish-reason.js';
import type { Emit } from '../protocols/ir/stream-stage.js';
import { EMPTY_USAGE, type Usage } from '../protocols/ir/usage.js';
import { TRUNCATED_STREAM_ERROR } from '../protocols/gemini/gemini-upstream-stream-decoder.js';

/** The completion marker the model is asked to end its answer with (gcli2api's). */
export const DONE_MARKER = '[done]';

const INSTRUCTION =
  `When your answer is complete, end it with the line ${DONE_MARKER} on its own. ` +
  `Write ${DONE_MARKER} only there, exactly once, and nowhere else.`;

/** The original request plus the marker instruction (nothing else changes; the user's text never does). */
export function withMarkerInstruction(request: ChatRequest): ChatRequest {
  const mentions = request.system.some((p) => p.text.toLowerCase().includes(DONE_MARKER));
  if (mentions) return request;
  const instruction: TextPart = { type: 'text', text: INSTRUCTION };
  return { ...request, system: [...request.system, instruction] };
}

/**
 * The continuation request after a truncated attempt: the original request plus a model turn holding
 * everything emitted so far (prefill), so the model carries on exactly where it stopped.
 */
export function continuationRequest(original: ChatRequest, emittedText: string): ChatRequest {
  return {
    ...original,
    messages: [...original.messages, { role: 'assistant', content: [{ type: 'text', text: emittedText }] }],
  };
}

const MARKER_RE = /\s*\[done\]\s*/gi;
const HAS_MARKER = /\[done\]/i;

function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/** The longest suffix of `text` that is a prefix of the marker (it may complete in the next chunk). */
function partialMarkerTail(text: string): number {
  const lower = text.toLowerCase();
  for (let n = Math.min(DONE_MARKER.length - 1, lower.length); n > 0; n--) {
    if (DONE_MARKER.startsWith(lower.slice(lower.length - n))) return n;
  }
  return 0;
}

/**
 * Streaming anti-truncation (client-protocols.md §9.3): text flows to the client live, holding back
 * only what could be the start of a split marker; the marker never reaches the client. Each upstream
 * attempt ends with `endAttempt()`, which says whether the answer is complete (marker seen, a tool-call
 * turn, a stop that was not a plain STOP, an error) or must be continued. Exactly one finish and one
 * usage (the sum over attempts) come out, at `finish()`.
 */
export class AntiTruncationStage {
  private held = '';
  private emitted = '';
  private sawMarker = false;
  private sawToolCall = false;
  private failed = false;
  private truncated = false;
  private lastFinish: FinishReason | undefined;
  private attemptUsage: Usage | undefined;
  private totalUsage: Usage = { ...EMPTY_USAGE };
  attempts = 0;

  /** Everything shown to the client so far (the prefill of a continuation). */
  emittedText(): string {
    return this.emitted + this.held;
  }

  transform(part: ChatStreamPart, emit: Emit<ChatStreamPart>): void {
    switch (part.type) {
      case 'text-delta': {
        let text = this.held + part.delta;
        if (HAS_MARKER.test(text)) {
          this.sawMarker = true;
          text = text.replace(MARKER_RE, '');
        }
        let keep = this.sawMarker ? 0 : partialMarkerTail(text);
        // whitespace just before a (possible) marker belongs to it: hold it back too
        if (!this.sawMarker) while (keep < text.length && /\s/.test(text.charAt(text.length - keep - 1))) keep++;
        const out = text.slice(0, text.length - keep);
        this.held = text.slice(text.length - keep);
        if (out.length > 0 || part.providerMetadata !== undefined) {
          this.emitted += out;
          emit(part.providerMetadata ? { type: 'text-delta', delta: out, providerMetadata: part.providerMetadata } : { type: 'text-delta', delta: out });
        }
        return;
      }
      case 'tool-call':
        this.sawToolCall = true;
        emit(part);
        return;
      case 'usage':
        this.attemptUsage = part.usage;
        return;
      case 'finish':
        this.lastFinish = part.finishReason;
        return;
      case 'error':
        if (part.error.message === TRUNCATED_STREAM_ERROR.message && !this.sawMarker) {
          // the upstream stream broke off: that is exactly what a continuation repairs
          this.truncated = true;
          return;
        }
        this.failed = true;
        emit(part);
        return;
      default:
        emit(part);
    }
  }

  /** Closes one upstream attempt; true when the answer is complete. */
  endAttempt(): boolean {
    this.attempts += 1;
    if (this.attemptUsage) this.totalUsage = addUsage(this.totalUsage, this.attemptUsage);
    this.attemptUsage = undefined;
    if (this.failed || this.sawMarker || this.sawToolCall) return true;
    if (this.truncated) {
      this.truncated = false;
      return false;
    }
    // a stop for any other reason than a plain STOP (max tokens of the client, safety) is final
    return this.lastFinish !== undefined && this.lastFinish.unified !== 'stop';
  }

  /** Ends the answer: the held-back text, the summed usage and one finish (or the truncation error). */
  finish(emit: Emit<ChatStreamPart>, complete: boolean): void {
    if (this.held) {
      emit({ type: 'text-delta', delta: this.held });
      this.emitted += this.held;
      this.held = '';
    }
    if (this.failed) return;
    emit({ type: 'usage', usage: this.totalUsage });
    if (!complete && this.lastFinish === undefined) {
      emit({ type: 'error', error: TRUNCATED_STREAM_ERROR });
      return;
    }
    emit({ type: 'finish', finishReason: this.sawToolCall ? { unified: 'tool-calls', raw: this.lastFinish?.raw ?? 'STOP' } : (this.lastFinish ?? { unified: 'stop' }) });
  }
}
