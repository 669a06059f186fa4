import type { Usage } from './usage.js';

/** Whether two usage snapshots are equal (decoders emit a `usage` part only when it changed). */
export function sameUsage(a: Usage, b: Usage): boolean {
  return (
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.reasoningTokens === b.reasoningTokens &&
    a.cachedInputTokens === b.cachedInputTokens &&
    a.totalTokens === b.totalTokens
  );
}
