/**
 * The per-model cost table (quota units per request) and gcli2api's lookup rule
 * (gcli2api-compat.md §3.3): exact name, then the name with one variant suffix removed (prefix kept),
 * then the default. We extend it for names the table does not list: the anti-truncation prefix doubles
 * the cost of the rest of the name, the fake-streaming prefix costs what the rest costs, and a name
 * with several suffixes (or image suffixes such as `-4k-16x9`) costs what the base model it routes to
 * costs — a suffix never makes a priced model cheaper.
 */
import { parseModelName } from '../protocols/model-route/parse-model-name.js';

export const DEFAULT_MODEL_COST = 1;

export const FAKE_STREAM_PREFIX = '假流式/';
export const ANTI_TRUNCATION_PREFIX = '流式抗截断/';

const BASE_DEFAULTS: Record<string, number> = {
  'gemini-2.5-pro-preview-06-05': 10,
  'gemini-2.5-pro': 10,
  'gemini-2.5-flash': 2,
  'gemini-3-pro-preview': 15,
};

/** gcli2api V2's DEFAULT_MODEL_COSTS: every base model, plain, fake-streaming and anti-truncation. */
export const DEFAULT_MODEL_COSTS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(
    Object.entries(BASE_DEFAULTS).flatMap(([model, cost]) => [
      [model, cost],
      [FAKE_STREAM_PREFIX + model, cost],
      [ANTI_TRUNCATION_PREFIX + model, cost * 2],
    ]),
  ),
);

const VARIANT_SUFFIXES = ['-maxthinking', '-nothinking', '-search', '-max', '-high', '-medium', '-low', '-minimal'];

export interface CostLookup {
  cost: number;
  /** true when no table entry matched (the default cost applied) */
  isDefault: boolean;
}

export function lookupModelCost(table: Readonly<Record<string, number>>, model: string): CostLookup {
  const direct = table[model];
  if (direct !== undefined) return { cost: direct, isDefault: false };
  for (const suffix of VARIANT_SUFFIXES) {
    if (model.endsWith(suffix)) {
      const stripped = table[model.slice(0, -suffix.length)];
      if (stripped !== undefined) return { cost: stripped, isDefault: false };
    }
  }
  if (model.startsWith(ANTI_TRUNCATION_PREFIX)) {
    const rest = lookupModelCost(table, model.slice(ANTI_TRUNCATION_PREFIX.length));
    return { cost: rest.cost * 2, isDefault: rest.isDefault };
  }
  if (model.startsWith(FAKE_STREAM_PREFIX)) return lookupModelCost(table, model.slice(FAKE_STREAM_PREFIX.length));
  const base = parseModelName(model).baseModel;
  if (base !== model && table[base] !== undefined) return { cost: table[base], isDefault: false };
  return { cost: DEFAULT_MODEL_COST, isDefault: true };
}
