import type { FinishReason, UnifiedFinishReason } from '../ir/finish-reason.js';

/**
 * Upstream `finish_reason` → IR finish. A turn that produced tool calls is `tool-calls` whatever
 * the server said (vLLM, Ollama and others answer `stop` for tool turns), unless it was cut by the
 * token limit. `function_call` is the legacy name of `tool_calls`. The raw value is kept.
 */
export function mapOpenAiChatFinishReason(raw: string, hasToolCalls: boolean): FinishReason {
  let unified: UnifiedFinishReason;
  if (raw === 'length') unified = 'length';
  else if (raw === 'content_filter') unified = 'content-filter';
  else if (hasToolCalls || raw === 'tool_calls' || raw === 'function_call') unified = 'tool-calls';
  else if (raw === 'stop') unified = 'stop';
  else unified = 'other';
  return { unified, raw };
}
