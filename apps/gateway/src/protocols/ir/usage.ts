/**
 * Token usage in one convention: `outputTokens` includes `reasoningTokens`, `inputTokens` includes
 * `cachedInputTokens` (OpenAI semantics). Client encoders derive their own fields from these.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cachedInputTokens: number;
  totalTokens: number;
}

export const EMPTY_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  cachedInputTokens: 0,
  totalTokens: 0,
});
