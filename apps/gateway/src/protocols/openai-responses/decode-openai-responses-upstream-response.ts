/**
 * A non-streamed Responses `response` object → IR ChatResponse. The response is replayed as the
 * events that would have streamed it (response.created, one response.output_item.done per output
 * item carrying the whole item, then response.completed / response.incomplete / response.failed by
 * `status`) through the stream decoder and folded by accumulateStreamParts, so both paths share
 * every mapping rule (the Gemini side does the same with one chunk). An error body, a failed
 * response, or one still in progress throws a GatewayError.
 */
import { accumulateStreamParts } from '../ir/accumulate-stream-parts.js';
import type { ChatResponse } from '../ir/chat-response.js';
import { runStage } from '../ir/stream-stage.js';
import { asRecord, readArray } from '../json/safe-parse-json.js';
import {
  createOpenAiResponsesUpstreamStreamDecoder,
  type OpenAiResponsesUpstreamDecoderOptions,
} from './openai-responses-upstream-stream-decoder.js';

export function decodeOpenAiResponsesUpstreamResponse(
  body: unknown,
  defaults: { id: string; model: string; created: number },
  options: OpenAiResponsesUpstreamDecoderOptions = {},
): ChatResponse {
  return accumulateStreamParts(runStage(createOpenAiResponsesUpstreamStreamDecoder(options), responseAsEvents(body)), defaults);
}

/** The events a streamed response would have produced; an `{"error": …}` body becomes an `error` event. */
export function responseAsEvents(body: unknown): unknown[] {
  const response = asRecord(body);
  if (response === undefined) return [body];
  if (response['object'] !== 'response') {
    const error = asRecord(response['error']);
    return error === undefined ? [body] : [{ type: 'error', error }];
  }
  const events: unknown[] = [{ type: 'response.created', response: { ...response, output: [] } }];
  const output = readArray(response['output']) ?? [];
  for (let index = 0; index < output.length; index++) {
    events.push({ type: 'response.output_item.done', output_index: index, item: output[index] });
  }
  switch (response['status']) {
    case 'completed':
      events.push({ type: 'response.completed', response });
      break;
    case 'incomplete':
      events.push({ type: 'response.incomplete', response });
      break;
    case 'failed':
      events.push({ type: 'response.failed', response });
      break;
  }
  return events;
}
