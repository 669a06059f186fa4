import type { FinishReason, UnifiedFinishReason } from '../ir/finish-reason.js';
import type { AnthropicStopReason } from './anthropic-messages-wire.js';

/**
 * IR finish → Anthropic `stop_reason` (client-protocols.md §4.2): a turn with tool calls is
 * `tool_use`, MAX_TOKENS is `max_tokens`, a safety / recitation stop is `refusal` (the stop reason
 * Anthropic uses for policy stops), anything else `end_turn`. `stop_sequence` is never produced:
 * Gemini reports a stop sequence hit as a plain STOP without saying which one.
 */
export function toAnthropicStopReason(finishReason: FinishReason): AnthropicStopReason {
  switch (finishReason.unified) {
    case 'tool-calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content-filter':
      return 'refusal';
    case 'stop':
    case 'error':
    case 'other':
      return 'end_turn';
  }
}

/**
 * Upstream `stop_reason` → IR finish (the reverse direction): `end_turn` / `stop_sequence` → stop,
 * `max_tokens` / `model_context_window_exceeded` → length, `tool_use` → tool-calls, `refusal` →
 * content-filter, `pause_turn` (a server-tool loop paused) and anything new → other. A turn that
 * produced tool calls is `tool-calls` unless it was cut by a limit. The raw value is kept.
 */
export function mapAnthropicStopReason(raw: string, hasToolCalls: boolean): FinishReason {
  let unified: UnifiedFinishReason;
  if (raw === 'max_tokens' || raw === 'model_context_window_exceeded') unified = 'length';
  else if (raw === 'refusal') unified = 'content-filter';
  else if (hasToolCalls || raw === 'tool_use') unified = 'tool-calls';
  else if (raw === 'end_turn' || raw === 'stop_sequence') unified = 'stop';
  else unified = 'other';
  return { unified, raw };
}
