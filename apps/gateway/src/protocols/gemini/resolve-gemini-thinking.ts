/**
 * IR thinking request + upstream model id → Gemini `thinkingConfig` (client-protocols.md §8).
 *
 * Gemini 2.5 models take a token budget clamped to the model's range; Gemini 3.x models take a
 * `thinkingLevel` clamped to the levels the model supports. The family tables are exported so the
 * model-name suffix parser can resolve `-high`, `-maxthinking`, … with the same numbers.
 */
import type { ThinkingEffort, ThinkingRequest } from '../ir/chat-request.js';
import type { GeminiThinkingConfig, GeminiThinkingLevel } from './gemini-wire.js';

export interface GeminiBudgetThinkingFamily {
  readonly id: string;
  readonly kind: 'budget';
  /** matched against the bare model id (a leading `models/` is ignored) */
  readonly pattern: RegExp;
  /** smallest positive budget the model accepts */
  readonly minBudget: number;
  readonly maxBudget: number;
  /** whether `thinkingBudget: 0` (thinking off) is accepted */
  readonly allowZero: boolean;
  /** whether `thinkingBudget: -1` (dynamic) is accepted */
  readonly allowDynamic: boolean;
}

export interface GeminiLevelThinkingFamily {
  readonly id: string;
  readonly kind: 'level';
  readonly pattern: RegExp;
  /** supported levels, lowest first */
  readonly levels: readonly GeminiThinkingLevel[];
}

export type GeminiThinkingFamily = GeminiBudgetThinkingFamily | GeminiLevelThinkingFamily;

/** First match wins, so more specific patterns come first. */
export const GEMINI_THINKING_FAMILIES: readonly GeminiThinkingFamily[] = Object.freeze([
  {
    id: 'gemini-2.5-flash-lite',
    kind: 'budget',
    pattern: /^gemini-2\.5-flash-lite/,
    minBudget: 512,
    maxBudget: 24576,
    allowZero: true,
    allowDynamic: true,
  },
  {
    id: 'gemini-2.5-flash',
    kind: 'budget',
    pattern: /^gemini-2\.5-flash/,
    minBudget: 1,
    maxBudget: 24576,
    allowZero: true,
    allowDynamic: true,
  },
  {
    id: 'gemini-2.5-pro',
    kind: 'budget',
    pattern: /^gemini-2\.5-pro/,
    minBudget: 128,
    maxBudget: 32768,
    allowZero: false,
    allowDynamic: true,
  },
  // Gemini 3 Pro: low and high only; 3.1+ Pro adds medium; no Pro accepts minimal.
  { id: 'gemini-3-pro', kind: 'level', pattern: /^gemini-3-pro/, levels: ['LOW', 'HIGH'] },
  { id: 'gemini-3.x-pro', kind: 'level', pattern: /^gemini-3\.\d+-pro/, levels: ['LOW', 'MEDIUM', 'HIGH'] },
  // Every Gemini 3+ Flash and Flash-Lite accepts all four levels.
  {
    id: 'gemini-3-flash',
    kind: 'level',
    pattern: /^gemini-(?:[3-9]|\d{2,})(?:\.\d+)?-flash/,
    levels: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'],
  },
  // Any other Gemini 3+ model: the levels every Gemini 3 model accepts.
  { id: 'gemini-3-other', kind: 'level', pattern: /^gemini-(?:[3-9]|\d{2,})(?:\.\d+)?-/, levels: ['LOW', 'HIGH'] },
] satisfies GeminiThinkingFamily[]);

/** Effort → budget (CLIProxyAPI's table, client-protocols.md §8.2); -1 = dynamic. */
export const THINKING_EFFORT_BUDGETS: Readonly<Record<ThinkingEffort, number>> = Object.freeze({
  none: 0,
  auto: -1,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 128000,
});

/** Effort → level for level models; `auto` leaves the level to the server (dynamic). */
export const THINKING_EFFORT_LEVELS: Readonly<Record<ThinkingEffort, GeminiThinkingLevel | undefined>> =
  Object.freeze({
    none: 'MINIMAL', // the lowest the model supports (Gemini 3 cannot turn thinking off)
    auto: undefined,
    minimal: 'MINIMAL',
    low: 'LOW',
    medium: 'MEDIUM',
    high: 'HIGH',
    xhigh: 'HIGH',
    max: 'HIGH',
  });

const LEVEL_RANK: Readonly<Record<GeminiThinkingLevel, number>> = { MINIMAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

export function findGeminiThinkingFamily(model: string): GeminiThinkingFamily | undefined {
  const id = model.startsWith('models/') ? model.slice(7) : model;
  for (const family of GEMINI_THINKING_FAMILIES) {
    if (family.pattern.test(id)) return family;
  }
  return undefined;
}

/** A budget the family accepts: negative → dynamic (or the maximum), 0 → off (or the minimum). */
export function clampThinkingBudget(family: GeminiBudgetThinkingFamily, budget: number): number {
  if (budget < 0) return family.allowDynamic ? -1 : family.maxBudget;
  if (budget === 0) return family.allowZero ? 0 : family.minBudget;
  return Math.min(Math.max(Math.round(budget), family.minBudget), family.maxBudget);
}

/** The lowest supported level at or above the requested one, else the highest supported. */
export function clampThinkingLevel(family: GeminiLevelThinkingFamily, level: GeminiThinkingLevel): GeminiThinkingLevel {
  const wanted = LEVEL_RANK[level];
  for (const supported of family.levels) {
    if (LEVEL_RANK[supported] >= wanted) return supported;
  }
  return family.levels[family.levels.length - 1]!;
}

/** Budget → level for level models, on the effort table's boundaries; negative → dynamic. */
export function thinkingLevelForBudget(budget: number): GeminiThinkingLevel | undefined {
  if (budget < 0) return undefined;
  if (budget <= THINKING_EFFORT_BUDGETS.minimal) return 'MINIMAL';
  if (budget <= THINKING_EFFORT_BUDGETS.low) return 'LOW';
  if (budget <= THINKING_EFFORT_BUDGETS.medium) return 'MEDIUM';
  return 'HIGH';
}

/**
 * Resolves the client's thinking request for `model`. Absent (or empty) request → undefined, so
 * no thinkingConfig is sent and the server default applies. `budgetTokens` wins over `effort`.
 * `includeThoughts`: an explicit value wins; otherwise false when thinking was turned off
 * (effort `none`, budget 0) and true when any effort or budget was set.
 * Unknown model families get the unclamped budget and a warning.
 */
export function resolveGeminiThinking(
  thinking: ThinkingRequest | undefined,
  model: string,
  warnings?: string[],
): GeminiThinkingConfig | undefined {
  if (thinking === undefined) return undefined;
  const { effort, budgetTokens, includeThoughts } = thinking;

  if (effort === undefined && budgetTokens === undefined) {
    return includeThoughts === undefined ? undefined : { includeThoughts };
  }

  const config: GeminiThinkingConfig = {};
  const family = findGeminiThinkingFamily(model);
  const requestedBudget = budgetTokens ?? THINKING_EFFORT_BUDGETS[effort!];

  if (family === undefined) {
    config.thinkingBudget = requestedBudget;
    warnings?.push(`no thinking table for model ${model}; thinkingBudget ${requestedBudget} sent unclamped`);
  } else if (family.kind === 'budget') {
    config.thinkingBudget = clampThinkingBudget(family, requestedBudget);
  } else {
    const level = budgetTokens !== undefined ? thinkingLevelForBudget(budgetTokens) : THINKING_EFFORT_LEVELS[effort!];
    if (level !== undefined) config.thinkingLevel = clampThinkingLevel(family, level);
  }

  const thinkingOff = budgetTokens !== undefined ? budgetTokens === 0 : effort === 'none';
  config.includeThoughts = includeThoughts ?? !thinkingOff;
  return config;
}
