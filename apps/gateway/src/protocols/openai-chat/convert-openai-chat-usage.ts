import type { Usage } from '../ir/usage.js';
import { asRecord, readNumber } from '../json/safe-parse-json.js';

/**
 * An upstream `usage` object → IR usage. OpenAI semantics are the IR's own: `cached_tokens` ⊂
 * `prompt_tokens`, `reasoning_tokens` ⊂ `completion_tokens`. Missing counters are 0; a missing
 * total is the sum. Undefined when `usage` is absent or null (streams send `usage: null` until the
 * last chunk).
 */
export function convertOpenAiChatUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (usage === undefined) return undefined;
  const inputTokens = readNumber(usage['prompt_tokens']) ?? 0;
  const outputTokens = readNumber(usage['completion_tokens']) ?? 0;
  return {
    inputTokens,
    outputTokens,
    reasoningTokens: readNumber(asRecord(usage['completion_tokens_details'])?.['reasoning_tokens']) ?? 0,
    cachedInputTokens: readNumber(asRecord(usage['prompt_tokens_details'])?.['cached_tokens']) ?? 0,
    totalTokens: readNumber(usage['total_tokens']) ?? inputTokens + outputTokens,
  };
}
