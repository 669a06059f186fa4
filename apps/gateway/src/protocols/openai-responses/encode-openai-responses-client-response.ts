/**
 * IR ChatResponse → a Responses `response` object (client-protocols.md §5). The answer is replayed
 * through the same event stage the stream uses and the terminal event's response is returned, so a
 * non-streamed response has exactly the output items the streamed `response.completed` holds.
 */
import type { ChatResponse } from '../ir/chat-response.js';
import { replayChatResponse } from '../ir/replay-chat-response.js';
import type { EncodeContext } from '../protocol-codec.js';
import { createOpenAiResponsesEventStage } from './openai-responses-client-stream-encoder.js';
import type { ResponsesResponse, ResponsesStreamEvent } from './openai-responses-wire.js';

export function encodeOpenAiResponsesClientResponse(response: ChatResponse, context: EncodeContext): ResponsesResponse {
  const stage = createOpenAiResponsesEventStage(context);
  let terminal: ResponsesResponse | undefined;
  const keepTerminal = (event: ResponsesStreamEvent): void => {
    if (event.type === 'response.completed' || event.type === 'response.incomplete' || event.type === 'response.failed') {
      terminal = event.response;
    }
  };
  for (const part of replayChatResponse(response)) stage.transform(part, keepTerminal);
  stage.flush(keepTerminal);
  // a replayed ChatResponse always ends with a finish part, so the stage always ends the response
  return terminal!;
}
