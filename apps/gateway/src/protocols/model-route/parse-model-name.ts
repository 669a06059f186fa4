/**
 * The gcli2api model-name grammar (client-protocols.md §7, §8.1, §9): gateway features chosen by
 * the model name a client asks for.
 *
 *   [假流式/][流式抗截断/]<base>[-<size>][-<ratio>][-<thinking>][-search]
 *
 * - Prefixes: `假流式/` (fake streaming) and `流式抗截断/` (anti-truncation), both allowed, in
 *   either order.
 * - Suffixes: the trailing run of known `-token`s, each kind at most once, stripped from the end
 *   (the canonical order above is what listModelVariants produces; other orders parse the same):
 *   `-search`; a thinking suffix (`-max`, `-high`, `-medium`, `-low`, `-minimal`, legacy
 *   `-maxthinking`, `-nothinking`); and, only when the rest of the name contains `image`, an image
 *   size (`-1k`, `-2k`, `-4k`) and an aspect ratio (`-21x9`, `-16x9`, …).
 * - Anything else stays part of the model name (`gemini-2.5-pro-foo` is a base model).
 *
 * Thinking suffixes use gcli2api V3's numbers (§8.1): 2.5 models get a budget (flash / pro columns),
 * Gemini 3 models an effort level; resolve-gemini-thinking.ts then clamps both to what the model
 * accepts (so `-medium` on gemini-3-pro, which has no medium level, becomes HIGH rather than
 * V3's "not set"). includeThoughts is left to the resolver: shown unless thinking was turned off.
 *
 * Merging (the relay): decode the body, `parseModelName(request.model)`, then
 * `applyModelRoute(request, route)` — the suffix wins over body fields — and only then apply the
 * gateway's own overrides (e.g. RETURN_THOUGHTS_TO_FRONTEND=false). fakeStream / antiTruncation
 * are relay behaviours and do not touch the request.
 */
import type { ChatRequest, ImageOutputRequest, ThinkingRequest } from '../ir/chat-request.js';
import { findGeminiThinkingFamily, type GeminiThinkingFamily } from '../gemini/resolve-gemini-thinking.js';

export const FAKE_STREAM_PREFIX = '假流式/';
export const ANTI_TRUNCATION_PREFIX = '流式抗截断/';

export type ThinkingSuffix = 'max' | 'high' | 'medium' | 'low' | 'minimal' | 'maxthinking' | 'nothinking';

export interface ModelRoute {
  /** the model name exactly as the client sent it (quota lookup, logs, the `model` of answers) */
  requested: string;
  /** the upstream model id once prefixes and known suffixes are removed */
  baseModel: string;
  fakeStream: boolean;
  antiTruncation: boolean;
  /** `-search`: Google Search grounding */
  search: boolean;
  thinkingSuffix?: ThinkingSuffix;
  /** what the thinking suffix asks for; wins over the body's thinking fields */
  thinking?: ThinkingRequest;
  /** image suffixes (image models only) */
  imageOutput?: ImageOutputRequest;
}

const THINKING_SUFFIXES: ReadonlySet<string> = new Set<ThinkingSuffix>([
  'max',
  'high',
  'medium',
  'low',
  'minimal',
  'maxthinking',
  'nothinking',
]);

const IMAGE_SIZES: Readonly<Record<string, string>> = { '1k': '1K', '2k': '2K', '4k': '4K' };

const ASPECT_RATIOS: Readonly<Record<string, string>> = {
  '21x9': '21:9',
  '16x9': '16:9',
  '9x16': '9:16',
  '4x3': '4:3',
  '3x4': '3:4',
  '3x2': '3:2',
  '2x3': '2:3',
  '5x4': '5:4',
  '4x5': '4:5',
  '1x1': '1:1',
};

/** gcli2api V3 thinking budgets for 2.5 models (§8.1): the flash column, and the pro column. */
const FLASH_BUDGETS: Readonly<Record<'max' | 'high' | 'medium' | 'low' | 'minimal', number>> = {
  max: 24576,
  high: 16000,
  medium: 8192,
  low: 1024,
  minimal: 0,
};
const PRO_BUDGETS: Readonly<Record<'max' | 'high' | 'medium' | 'low' | 'minimal', number>> = {
  max: 32768,
  high: 16000,
  medium: 8192,
  low: 1024,
  minimal: 128,
};

export function parseModelName(requested: string): ModelRoute {
  let rest = requested;
  let fakeStream = false;
  let antiTruncation = false;
  for (;;) {
    if (!fakeStream && rest.startsWith(FAKE_STREAM_PREFIX)) {
      fakeStream = true;
      rest = rest.slice(FAKE_STREAM_PREFIX.length);
    } else if (!antiTruncation && rest.startsWith(ANTI_TRUNCATION_PREFIX)) {
      antiTruncation = true;
      rest = rest.slice(ANTI_TRUNCATION_PREFIX.length);
    } else {
      break;
    }
  }

  let search = false;
  let thinkingSuffix: ThinkingSuffix | undefined;
  let imageSize: string | undefined;
  let aspectRatio: string | undefined;
  for (;;) {
    const dash = rest.lastIndexOf('-');
    if (dash <= 0) break;
    const token = rest.slice(dash + 1).toLowerCase();
    const head = rest.slice(0, dash);
    if (token === 'search' && !search) {
      search = true;
    } else if (thinkingSuffix === undefined && THINKING_SUFFIXES.has(token)) {
      thinkingSuffix = token as ThinkingSuffix;
    } else if (imageSize === undefined && IMAGE_SIZES[token] !== undefined && head.includes('image')) {
      imageSize = IMAGE_SIZES[token];
    } else if (aspectRatio === undefined && ASPECT_RATIOS[token] !== undefined && head.includes('image')) {
      aspectRatio = ASPECT_RATIOS[token];
    } else {
      break;
    }
    rest = head;
  }

  const route: ModelRoute = { requested, baseModel: rest, fakeStream, antiTruncation, search };
  if (thinkingSuffix !== undefined) {
    route.thinkingSuffix = thinkingSuffix;
    route.thinking = thinkingForSuffix(thinkingSuffix, rest);
  }
  if (imageSize !== undefined || aspectRatio !== undefined) {
    route.imageOutput = {};
    if (aspectRatio !== undefined) route.imageOutput.aspectRatio = aspectRatio;
    if (imageSize !== undefined) route.imageOutput.imageSize = imageSize;
  }
  return route;
}

/**
 * A thinking suffix for `baseModel` (§8.1, V3): level models (Gemini 3) get an effort, others a
 * budget from the flash or pro column. Legacy `-nothinking`: flash 0, others 128; `-maxthinking`:
 * flash 24576, others 32768, Gemini 3 level high.
 */
export function thinkingForSuffix(suffix: ThinkingSuffix, baseModel: string): ThinkingRequest {
  const levels = findGeminiThinkingFamily(baseModel)?.kind === 'level';
  const flash = baseModel.includes('flash');
  switch (suffix) {
    case 'nothinking':
      return { budgetTokens: flash ? 0 : 128 };
    case 'maxthinking':
      return levels ? { effort: 'high' } : { budgetTokens: flash ? 24576 : 32768 };
    default:
      return levels ? { effort: suffix } : { budgetTokens: (flash ? FLASH_BUDGETS : PRO_BUDGETS)[suffix] };
  }
}

/**
 * The request the upstream should see: the base model, and the suffixes' choices winning over the
 * body (thinking replaced as a whole; `googleSearch` added; image fields override field by field).
 * Returns a new request; the input is not modified.
 */
export function applyModelRoute(request: ChatRequest, route: ModelRoute): ChatRequest {
  const out: ChatRequest = { ...request, model: route.baseModel };
  if (route.thinking !== undefined) out.thinking = { ...route.thinking };
  if (route.search) out.builtinTools = { ...request.builtinTools, googleSearch: true };
  if (route.imageOutput !== undefined) out.imageOutput = { ...request.imageOutput, ...route.imageOutput };
  return out;
}

// ---------------------------------------------------------------------------------------------
// /v1/models listing
// ---------------------------------------------------------------------------------------------

/** Which name groups /v1/models lists; every group can be turned off by the admin. */
export interface ModelVariantOptions {
  /** the V3 thinking suffixes each family supports (default true) */
  thinking?: boolean;
  /** legacy `-maxthinking` / `-nothinking` (default false: parsed, not listed, as in V3) */
  legacyThinking?: boolean;
  /** `-search` (default true) */
  search?: boolean;
  /** thinking suffix + `-search` (default true; needs `thinking` and `search`) */
  thinkingSearch?: boolean;
  /** image models: `-2k` / `-4k` × aspect ratios (default true) */
  imageVariants?: boolean;
  /** each name again with `假流式/` (default true) */
  fakeStream?: boolean;
  /** each name again with `流式抗截断/` (default true) */
  antiTruncation?: boolean;
}

const LISTED_IMAGE_SIZES = ['', '-2k', '-4k'];
const LISTED_ASPECT_RATIOS = ['', '-1x1', '-4x3', '-3x4', '-16x9', '-9x16', '-21x9'];
const BUDGET_SUFFIXES = ['-max', '-high', '-medium', '-low', '-minimal'];
const LEVEL_SUFFIXES: Readonly<Record<string, string>> = { HIGH: '-high', MEDIUM: '-medium', LOW: '-low', MINIMAL: '-minimal' };

/** The thinking suffixes a family supports, strongest first (gcli2api V3's lists). */
function familySuffixes(family: GeminiThinkingFamily | undefined): string[] {
  if (family === undefined) return [];
  if (family.kind === 'budget') return BUDGET_SUFFIXES;
  const out: string[] = [];
  for (let i = family.levels.length - 1; i >= 0; i--) out.push(LEVEL_SUFFIXES[family.levels[i]!]!);
  return out;
}

/**
 * Every model name /v1/models should list (gcli2api V3 order): per base model the plain name,
 * each thinking suffix, `-search`, each thinking suffix + `-search` — each followed by its
 * `假流式/` and `流式抗截断/` forms. Image models list size × ratio variants instead.
 */
export function listModelVariants(baseModels: readonly string[], options: ModelVariantOptions = {}): string[] {
  const thinking = options.thinking ?? true;
  const legacy = options.legacyThinking ?? false;
  const search = options.search ?? true;
  const thinkingSearch = (options.thinkingSearch ?? true) && search;
  const images = options.imageVariants ?? true;
  const prefixes = [''];
  if (options.fakeStream ?? true) prefixes.push(FAKE_STREAM_PREFIX);
  if (options.antiTruncation ?? true) prefixes.push(ANTI_TRUNCATION_PREFIX);

  const names = new Set<string>();
  for (const base of baseModels) {
    const suffixes = [''];
    if (base.includes('image')) {
      if (images) for (const size of LISTED_IMAGE_SIZES) for (const ratio of LISTED_ASPECT_RATIOS) if (size || ratio) suffixes.push(size + ratio);
    } else {
      const family = findGeminiThinkingFamily(base);
      const thinkingSuffixes: string[] = [];
      if (thinking) thinkingSuffixes.push(...familySuffixes(family));
      if (legacy && family !== undefined) thinkingSuffixes.push('-maxthinking', '-nothinking');
      suffixes.push(...thinkingSuffixes);
      if (search) suffixes.push('-search');
      if (thinkingSearch) for (const suffix of thinkingSuffixes) suffixes.push(`${suffix}-search`);
    }
    for (const suffix of suffixes) for (const prefix of prefixes) names.add(prefix + base + suffix);
  }
  return [...names];
}
