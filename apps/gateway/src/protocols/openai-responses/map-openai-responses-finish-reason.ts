import type { FinishReason } from '../ir/finish-reason.js';

/**
 * How an upstream Responses stream ended → IR finish. `completed` is `stop`, or `tool-calls` when
 * the response made function calls; an `incomplete` response carries its reason:
 * `max_output_tokens` → length, `content_filter` → content-filter, anything else → other. The raw
 * value (`completed` or the incomplete reason) is kept.
 */
export function mapResponsesFinishReason(raw: string, hasToolCalls: boolean): FinishReason {
  if (raw === 'completed') return { unified: hasToolCalls ? 'tool-calls' : 'stop', raw };
  if (raw === 'max_output_tokens') return { unified: 'length', raw };
  if (raw === 'content_filter') return { unified: 'content-filter', raw };
  return { unified: 'other', raw };
}
