/**
 * The request fields a Responses object echoes (client-protocols.md §5), read leniently from the
 * client's original body (EncodeContext.clientRequest; it was validated when decoded). Unset fields
 * echo as the API shows them unset; `store` is always false (the gateway keeps no responses).
 */
import { asRecord, readNumber, readString } from '../json/safe-parse-json.js';
import type { ResponsesEcho } from './openai-responses-wire.js';

export function buildResponsesEcho(clientRequest: unknown, model: string): ResponsesEcho {
  const body = asRecord(clientRequest) ?? {};
  const instructions = body['instructions'];
  const reasoning = asRecord(body['reasoning']);
  const text = asRecord(body['text']);
  const toolChoice = body['tool_choice'];
  const tools = body['tools'];
  const metadata = asRecord(body['metadata']);
  const parallelToolCalls = body['parallel_tool_calls'];
  return {
    instructions: typeof instructions === 'string' || Array.isArray(instructions) ? instructions : null,
    max_output_tokens: readNumber(body['max_output_tokens']) ?? null,
    max_tool_calls: null,
    model,
    parallel_tool_calls: typeof parallelToolCalls === 'boolean' ? parallelToolCalls : true,
    previous_response_id: null,
    reasoning: {
      effort: reasoning === undefined ? null : (readString(reasoning['effort']) ?? null),
      summary: reasoning === undefined ? null : (readString(reasoning['summary']) ?? null),
    },
    store: false,
    temperature: readNumber(body['temperature']) ?? null,
    text: text === undefined ? { format: { type: 'text' } } : { ...text, format: asRecord(text['format']) ?? { type: 'text' } },
    tool_choice: typeof toolChoice === 'string' || asRecord(toolChoice) !== undefined ? toolChoice : 'auto',
    tools: Array.isArray(tools) ? tools : [],
    top_p: readNumber(body['top_p']) ?? null,
    truncation: 'disabled',
    metadata: metadata ?? {},
  };
}
