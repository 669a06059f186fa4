/**
 * What each Claude model family accepts, and the IR thinking request + output limit resolved for
 * one (the Anthropic counterpart of resolve-gemini-thinking.ts). Sources: the SDK's
 * ThinkingConfigParam docs ("which `type` values are accepted … depend on the model"), Anthropic's
 * extended / adaptive thinking pages and model migration guides:
 *
 * - Claude Opus 4.7+ and every Claude 5 model take only adaptive thinking (`{type:"enabled"}` is a
 *   400) and no sampling parameters (temperature / top_p / top_k are a 400); efforts low…max
 *   including xhigh.
 * - Opus 4.6 / Sonnet 4.6 prefer adaptive thinking (budgets are deprecated there); efforts low,
 *   medium, high, max (xhigh is a 400). Mythos Preview is adaptive and cannot turn thinking off.
 * - 4.5 models and older take `{type:"enabled", budget_tokens}` (≥ 1024, < max_tokens); 4.5+
 *   accept temperature or top_p, not both. Claude 3.5 / 3 models do not think.
 * - Output limits: 128000 for 4.6+, 64000 for Sonnet 4 / 3.7 / the 4.5 family, 32000 for Opus 4 /
 *   4.1, 8192 for 3.5, 4096 for 3.
 *
 * An unknown model (a third-party Anthropic-compatible server, a model newer than this table) is
 * treated as a budget model with no output-limit clamp.
 */
import type { ThinkingEffort, ThinkingRequest } from '../ir/chat-request.js';
import type { AnthropicEffort, AnthropicUpstreamThinking } from './anthropic-messages-upstream-wire.js';

export interface AnthropicModelFamily {
  readonly id: string;
  /** matched against the model id; first match wins */
  readonly pattern: RegExp;
  /** the largest `max_tokens` the model accepts */
  readonly maxOutputTokens: number;
  /** the thinking configuration the model takes */
  readonly thinking: 'adaptive' | 'budget' | 'none';
  /** adaptive families: accepted `output_config.effort` levels, lowest first */
  readonly efforts: readonly AnthropicEffort[];
  readonly canDisableThinking: boolean;
  /** sampling parameters accepted: all, temperature or top_p (not both), or none */
  readonly sampling: 'all' | 'one-of' | 'none';
  /** whether `output_config.format` (structured outputs) is accepted */
  readonly structuredOutputs: boolean;
}

const ALL_EFFORTS: readonly AnthropicEffort[] = Object.freeze(['low', 'medium', 'high', 'xhigh', 'max']);
const EFFORTS_WITHOUT_XHIGH: readonly AnthropicEffort[] = Object.freeze(['low', 'medium', 'high', 'max']);
const NO_EFFORTS: readonly AnthropicEffort[] = Object.freeze([]);

export const ANTHROPIC_MODEL_FAMILIES: readonly AnthropicModelFamily[] = Object.freeze([
  {
    id: 'claude-5',
    pattern: /^claude-[a-z]+-(?:[5-9]|[1-9]\d)(?:-|$)/,
    maxOutputTokens: 128000,
    thinking: 'adaptive',
    efforts: ALL_EFFORTS,
    canDisableThinking: true,
    sampling: 'none',
    structuredOutputs: true,
  },
  {
    id: 'claude-opus-4.7+',
    pattern: /^claude-opus-4-(?:[7-9]|[1-9]\d)(?:-|$)/,
    maxOutputTokens: 128000,
    thinking: 'adaptive',
    efforts: ALL_EFFORTS,
    canDisableThinking: true,
    sampling: 'none',
    structuredOutputs: true,
  },
  {
    id: 'claude-mythos-preview',
    pattern: /^claude-mythos-preview/,
    maxOutputTokens: 128000,
    thinking: 'adaptive',
    efforts: EFFORTS_WITHOUT_XHIGH,
    canDisableThinking: false,
    sampling: 'one-of',
    structuredOutputs: true,
  },
  {
    id: 'claude-4.6',
    pattern: /^claude-(?:opus|sonnet)-4-6(?:-|$)/,
    maxOutputTokens: 128000,
    thinking: 'adaptive',
    efforts: EFFORTS_WITHOUT_XHIGH,
    canDisableThinking: true,
    sampling: 'one-of',
    structuredOutputs: true,
  },
  {
    id: 'claude-4.5',
    pattern: /^claude-(?:opus|sonnet|haiku)-4-5(?:-|$)/,
    maxOutputTokens: 64000,
    thinking: 'budget',
    efforts: NO_EFFORTS,
    canDisableThinking: true,
    sampling: 'one-of',
    structuredOutputs: true,
  },
  {
    id: 'claude-opus-4',
    pattern: /^claude-opus-4(?:-|$)/,
    maxOutputTokens: 32000,
    thinking: 'budget',
    efforts: NO_EFFORTS,
    canDisableThinking: true,
    sampling: 'all',
    structuredOutputs: false,
  },
  {
    id: 'claude-sonnet-4',
    pattern: /^claude-sonnet-4(?:-|$)/,
    maxOutputTokens: 64000,
    thinking: 'budget',
    efforts: NO_EFFORTS,
    canDisableThinking: true,
    sampling: 'all',
    structuredOutputs: false,
  },
  {
    id: 'claude-3-7-sonnet',
    pattern: /^claude-3-7-sonnet/,
    maxOutputTokens: 64000,
    thinking: 'budget',
    efforts: NO_EFFORTS,
    canDisableThinking: true,
    sampling: 'all',
    structuredOutputs: false,
  },
  {
    id: 'claude-3-5',
    pattern: /^claude-3-5-/,
    maxOutputTokens: 8192,
    thinking: 'none',
    efforts: NO_EFFORTS,
    canDisableThinking: true,
    sampling: 'all',
    structuredOutputs: false,
  },
  {
    id: 'claude-3',
    pattern: /^claude-3-/,
    maxOutputTokens: 4096,
    thinking: 'none',
    efforts: NO_EFFORTS,
    canDisableThinking: true,
    sampling: 'all',
    structuredOutputs: false,
  },
] satisfies AnthropicModelFamily[]);

/**
 * `max_tokens` when the client set none (Anthropic requires it): 32000 — what Claude Code itself
 * asks for by default — capped at the model's limit. Gemini and OpenAI default to the model's full
 * output, so a small default would cut answers clients expect whole; 32000 keeps long code answers
 * intact without reserving a model's whole 128k window on every call.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 32000;
/** `max_tokens` default for a model outside the table (third-party servers often cap at 8k). */
export const UNKNOWN_MODEL_DEFAULT_MAX_TOKENS = 8192;
/** the smallest `budget_tokens` the API accepts */
export const MIN_THINKING_BUDGET = 1024;

/** Effort → budget for budget models (the shared table of client-protocols.md §8.2, floored at 1024; `auto` = medium). */
export const ANTHROPIC_THINKING_BUDGETS: Readonly<Record<ThinkingEffort, number>> = Object.freeze({
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 128000,
  auto: 8192,
});

/** Effort → `output_config.effort` for adaptive models; `auto` leaves the effort to the server. */
export const ANTHROPIC_EFFORTS: Readonly<Record<Exclude<ThinkingEffort, 'none'>, AnthropicEffort | undefined>> = Object.freeze({
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'max',
  auto: undefined,
});

const EFFORT_RANK: Readonly<Record<AnthropicEffort, number>> = { low: 0, medium: 1, high: 2, xhigh: 3, max: 4 };

export function findAnthropicModelFamily(model: string): AnthropicModelFamily | undefined {
  for (const family of ANTHROPIC_MODEL_FAMILIES) {
    if (family.pattern.test(model)) return family;
  }
  return undefined;
}

/** The lowest supported effort at or above the requested one, else the highest supported. */
export function clampAnthropicEffort(family: AnthropicModelFamily, effort: AnthropicEffort): AnthropicEffort {
  const wanted = EFFORT_RANK[effort];
  for (const supported of family.efforts) {
    if (EFFORT_RANK[supported] >= wanted) return supported;
  }
  return family.efforts[family.efforts.length - 1] ?? effort;
}

/** A token budget → an effort, on the budget table's boundaries; negative (dynamic) → server default. */
export function anthropicEffortForBudget(budget: number): AnthropicEffort | undefined {
  if (budget < 0) return undefined;
  if (budget <= ANTHROPIC_THINKING_BUDGETS.low) return 'low';
  if (budget <= ANTHROPIC_THINKING_BUDGETS.medium) return 'medium';
  if (budget <= ANTHROPIC_THINKING_BUDGETS.high) return 'high';
  if (budget <= ANTHROPIC_THINKING_BUDGETS.xhigh) return 'xhigh';
  return 'max';
}

export interface ResolveAnthropicGenerationInput {
  model: string;
  thinking: ThinkingRequest | undefined;
  /** the client's max_tokens, when set */
  maxOutputTokens: number | undefined;
  /** overrides the default max_tokens (a provider's configured default) */
  defaultMaxTokens?: number;
}

export interface ResolvedAnthropicGeneration {
  maxTokens: number;
  thinking?: AnthropicUpstreamThinking;
  effort?: AnthropicEffort;
}

/**
 * The client's thinking request and output limit for `model`:
 * - no effort and no budget → no `thinking` (the model's default applies), whatever includeThoughts says;
 * - effort `none` / budget 0 → `{type:"disabled"}` (omitted where thinking cannot be turned off);
 * - adaptive families → `{type:"adaptive"}` + `output_config.effort` (clamped to the family);
 *   `includeThoughts: false` → `display: "omitted"` (signatures still come back);
 * - budget families → `{type:"enabled", budget_tokens}` with 1024 ≤ budget < max_tokens: a client
 *   max_tokens caps the budget (thinking is dropped when less than 1024 would remain); without one,
 *   max_tokens grows to budget + the default so the answer keeps its room (capped by the model).
 * A client max_tokens above a known model's limit is clamped to it. Every adjustment is a warning.
 */
export function resolveAnthropicGeneration(input: ResolveAnthropicGenerationInput, warnings: string[]): ResolvedAnthropicGeneration {
  const family = findAnthropicModelFamily(input.model);
  let clientMax = input.maxOutputTokens;
  if (clientMax !== undefined && family !== undefined && clientMax > family.maxOutputTokens) {
    warnings.push(`max_tokens ${clientMax} exceeds ${input.model}'s limit; sent as ${family.maxOutputTokens}`);
    clientMax = family.maxOutputTokens;
  }
  const defaultMax =
    input.defaultMaxTokens ??
    (family === undefined ? UNKNOWN_MODEL_DEFAULT_MAX_TOKENS : Math.min(DEFAULT_ANTHROPIC_MAX_TOKENS, family.maxOutputTokens));
  const maxTokens = clientMax ?? defaultMax;

  const thinking = input.thinking;
  const { effort, budgetTokens, includeThoughts } = thinking ?? {};
  // Only includeThoughts (an Anthropic client's `disabled`, a Gemini client hiding thoughts): nothing
  // to turn on; the model's default applies.
  if (effort === undefined && budgetTokens === undefined) return { maxTokens };

  const off = budgetTokens !== undefined ? budgetTokens === 0 : effort === 'none';
  if (off) {
    if (family?.thinking === 'none') return { maxTokens };
    if (family !== undefined && !family.canDisableThinking) {
      warnings.push(`${input.model} cannot turn thinking off; the request was sent without a thinking setting`);
      return { maxTokens };
    }
    return { maxTokens, thinking: { type: 'disabled' } };
  }

  if (family?.thinking === 'none') {
    warnings.push(`${input.model} does not support thinking; the thinking request was ignored`);
    return { maxTokens };
  }

  if (family?.thinking === 'adaptive') {
    const requested =
      budgetTokens !== undefined ? anthropicEffortForBudget(budgetTokens) : ANTHROPIC_EFFORTS[effort as Exclude<ThinkingEffort, 'none'>];
    const resolved: ResolvedAnthropicGeneration = {
      maxTokens,
      thinking: includeThoughts === false ? { type: 'adaptive', display: 'omitted' } : { type: 'adaptive' },
    };
    if (requested !== undefined) resolved.effort = clampAnthropicEffort(family, requested);
    return resolved;
  }

  // budget families and unknown models
  let budget =
    budgetTokens === undefined
      ? ANTHROPIC_THINKING_BUDGETS[effort!]
      : budgetTokens < 0
        ? ANTHROPIC_THINKING_BUDGETS.auto // dynamic: no Anthropic equivalent
        : budgetTokens;
  budget = Math.max(budget, MIN_THINKING_BUDGET);
  let resolvedMax = maxTokens;
  if (clientMax !== undefined) {
    if (budget >= clientMax) budget = clientMax - 1;
  } else {
    const cap = family?.maxOutputTokens ?? Number.POSITIVE_INFINITY;
    resolvedMax = Math.min(cap, Math.max(maxTokens, budget + maxTokens));
    if (budget > resolvedMax - MIN_THINKING_BUDGET) budget = resolvedMax - MIN_THINKING_BUDGET;
  }
  if (budget < MIN_THINKING_BUDGET) {
    warnings.push(`max_tokens ${resolvedMax} leaves no room for a thinking budget of at least ${MIN_THINKING_BUDGET}; thinking was not enabled`);
    return { maxTokens: resolvedMax };
  }
  if (includeThoughts === false) warnings.push('thought text cannot be hidden on budget-thinking models; it is returned');
  return { maxTokens: resolvedMax, thinking: { type: 'enabled', budget_tokens: budget } };
}
