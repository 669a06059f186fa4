import type { Usage } from '../ir/usage.js';
import { asRecord, readNumber } from '../json/safe-parse-json.js';
import type { ResponsesUsage } from './openai-responses-wire.js';

/** IR usage → Responses usage (OpenAI semantics, as on Chat Completions: cached ⊂ input, reasoning ⊂ output). */
export function toResponsesUsage(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  };
}

/**
 * An upstream Responses `usage` object → IR usage (same semantics, so a field-for-field copy).
 * Undefined when `usage` is absent or null; missing counters are 0, a missing total the sum.
 */
export function convertResponsesUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (usage === undefined) return undefined;
  const inputTokens = readNumber(usage['input_tokens']) ?? 0;
  const outputTokens = readNumber(usage['output_tokens']) ?? 0;
  return {
    inputTokens,
    outputTokens,
    reasoningTokens: readNumber(asRecord(usage['output_tokens_details'])?.['reasoning_tokens']) ?? 0,
    cachedInputTokens: readNumber(asRecord(usage['input_tokens_details'])?.['cached_tokens']) ?? 0,
    totalTokens: readNumber(usage['total_tokens']) ?? inputTokens + outputTokens,
  };
}
