/**
 * IR thinking request → an OpenAI `reasoning_effort` (Chat Completions) / `reasoning.effort`
 * (Responses). Shared by both OpenAI upstream encoders.
 *
 * `budgetTokens` wins over `effort` (as for Gemini) and becomes a level on the boundaries of the
 * shared effort table (client-protocols.md §8.2: minimal 512, low 1024, medium 8192, high 24576);
 * a larger budget is `xhigh`. `max` has no OpenAI level and becomes `xhigh`; `auto` (dynamic) and a
 * negative budget send nothing, so the model's default applies. Levels a model does not accept are
 * the upstream's to refuse: the set differs per model (gpt-5 has no `none`, older ones no `xhigh`).
 */
import type { ThinkingEffort, ThinkingRequest } from '../ir/chat-request.js';

export type OpenAiReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

const EFFORT_LEVELS: Readonly<Record<ThinkingEffort, OpenAiReasoningEffort | undefined>> = Object.freeze({
  none: 'none',
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
  auto: undefined,
});

export function resolveOpenAiReasoningEffort(thinking: ThinkingRequest | undefined): OpenAiReasoningEffort | undefined {
  if (thinking === undefined) return undefined;
  const budget = thinking.budgetTokens;
  if (budget !== undefined) {
    if (budget < 0) return undefined;
    if (budget === 0) return 'none';
    if (budget <= 512) return 'minimal';
    if (budget <= 1024) return 'low';
    if (budget <= 8192) return 'medium';
    if (budget <= 24576) return 'high';
    return 'xhigh';
  }
  return thinking.effort === undefined ? undefined : EFFORT_LEVELS[thinking.effort];
}
