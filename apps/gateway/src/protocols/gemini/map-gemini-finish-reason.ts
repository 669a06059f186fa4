import type { FinishReason, UnifiedFinishReason } from '../ir/finish-reason.js';

/** Gemini `finishReason` values that mean "the answer was withheld or cut by a filter". */
const CONTENT_FILTER_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  // image-model variants of the same filters
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Gemini finishReason → IR finish reason (client-protocols.md §3.4). A turn that contains any
 * functionCall is `tool-calls` whatever Google said (Gemini reports STOP for tool turns), so OpenAI
 * and Anthropic clients run their tool loop. The raw value is always kept.
 */
export function mapGeminiFinishReason(raw: string, hasToolCalls: boolean): FinishReason {
  let unified: UnifiedFinishReason;
  if (hasToolCalls) unified = 'tool-calls';
  else if (raw === 'STOP') unified = 'stop';
  else if (raw === 'MAX_TOKENS') unified = 'length';
  else if (CONTENT_FILTER_REASONS.has(raw)) unified = 'content-filter';
  else unified = 'other';
  return { unified, raw };
}
