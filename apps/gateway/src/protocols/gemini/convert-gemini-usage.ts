import type { Usage } from '../ir/usage.js';
import type { GeminiUsageMetadata } from './gemini-wire.js';

/**
 * Gemini usageMetadata → IR usage (OpenAI semantics, client-protocols.md §3.4): output includes
 * thoughts, input includes cached tokens, total is Google's own total (which already counts thoughts).
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata): Usage {
  const inputTokens = usage.promptTokenCount ?? 0;
  const reasoningTokens = usage.thoughtsTokenCount ?? 0;
  const outputTokens = (usage.candidatesTokenCount ?? 0) + reasoningTokens;
  return {
    inputTokens,
    outputTokens,
    reasoningTokens,
    cachedInputTokens: usage.cachedContentTokenCount ?? 0,
    totalTokens: usage.totalTokenCount ?? inputTokens + outputTokens,
  };
}

/** IR usage → Gemini usageMetadata (for Gemini clients); zero optional counters are omitted. */
export function toGeminiUsageMetadata(usage: Usage): GeminiUsageMetadata {
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - usage.reasoningTokens,
    totalTokenCount: usage.totalTokens,
  };
  if (usage.reasoningTokens > 0) metadata.thoughtsTokenCount = usage.reasoningTokens;
  if (usage.cachedInputTokens > 0) metadata.cachedContentTokenCount = usage.cachedInputTokens;
  return metadata;
}
