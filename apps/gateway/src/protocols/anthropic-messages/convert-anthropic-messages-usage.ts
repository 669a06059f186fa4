import type { Usage } from '../ir/usage.js';
import { asRecord, readNumber } from '../json/safe-parse-json.js';
import type { AnthropicUsage } from './anthropic-messages-wire.js';

/**
 * IR usage → Anthropic usage (client-protocols.md §4.2): Anthropic counts cache reads apart from
 * `input_tokens`, and `output_tokens` includes thinking.
 */
export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: Math.max(usage.inputTokens - usage.cachedInputTokens, 0),
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}

/** Anthropic usage counters as read so far in a stream (message_start, then message_delta updates). */
export interface AnthropicUsageCounters {
  input: number;
  cacheRead: number;
  cacheCreation: number;
  output: number;
  thinking: number;
}

export function emptyAnthropicUsageCounters(): AnthropicUsageCounters {
  return { input: 0, cacheRead: 0, cacheCreation: 0, output: 0, thinking: 0 };
}

/**
 * Merges an upstream `usage` object into `counters`: present numbers overwrite (message_delta
 * counts are cumulative), null / absent ones keep the earlier value. False when `value` is no object.
 */
export function mergeAnthropicUsage(counters: AnthropicUsageCounters, value: unknown): boolean {
  const usage = asRecord(value);
  if (usage === undefined) return false;
  counters.input = readNumber(usage['input_tokens']) ?? counters.input;
  counters.cacheRead = readNumber(usage['cache_read_input_tokens']) ?? counters.cacheRead;
  counters.cacheCreation = readNumber(usage['cache_creation_input_tokens']) ?? counters.cacheCreation;
  counters.output = readNumber(usage['output_tokens']) ?? counters.output;
  counters.thinking = readNumber(asRecord(usage['output_tokens_details'])?.['thinking_tokens']) ?? counters.thinking;
  return true;
}

/**
 * Anthropic counters → IR usage (OpenAI semantics): Anthropic's `input_tokens` excludes cache reads
 * and cache writes, so IR input is their sum and IR cached input the cache reads; `output_tokens`
 * already includes thinking, reported apart only by newer models (`output_tokens_details`).
 */
export function convertAnthropicUsage(counters: AnthropicUsageCounters): Usage {
  const inputTokens = counters.input + counters.cacheRead + counters.cacheCreation;
  return {
    inputTokens,
    outputTokens: counters.output,
    reasoningTokens: counters.thinking,
    cachedInputTokens: counters.cacheRead,
    totalTokens: inputTokens + counters.output,
  };
}
