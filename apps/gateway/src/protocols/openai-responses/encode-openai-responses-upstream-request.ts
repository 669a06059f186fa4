/**
 * IR ChatRequest → an OpenAI Responses request, as the ChatGPT Codex backend accepts it (target
 * `codex`, the default) or as the platform API takes it with an API key (target `openai`).
 *
 * - `instructions`: the leading system parts joined by blank lines (Codex always gets the field,
 *   possibly empty); a later system message becomes a `developer` message item in place (Codex
 *   refuses `system` items).
 * - `input` items in conversation order: user messages (`input_text`, `input_image` as data URL or
 *   URL, other media as `input_file`); assistant turns item by item in their original order —
 *   signed reasoning as a `reasoning` item with `encrypted_content` = the signature (the summary
 *   text alongside), unsigned reasoning dropped (nothing to replay with `store: false`), text runs
 *   as one assistant `message` of `output_text`, tool calls as `function_call` items (call_id, name,
 *   JSON-string arguments); files in assistant turns are dropped (warning); tool results as
 *   `function_call_output` items (string output as is, other JSON serialized).
 * - `tools`: function tools with `parameters` and `strict: false` (clients' schemas are not
 *   written for strict mode); Google Search grounding → the `web_search` tool. Names outside
 *   `^[a-zA-Z0-9_-]{1,64}$` (long MCP tool names) are sent as aliases (ir/upstream-tool-names.ts).
 * - `reasoning: {effort, summary: "auto"}` from the IR thinking request (resolveOpenAiReasoningEffort);
 *   Codex always gets `summary: "auto"` (its models always reason) unless thoughts are hidden.
 *   `include: ["reasoning.encrypted_content"]` whenever reasoning is requested, so the next turn
 *   can replay it with `store: false`.
 * - `max_output_tokens`, `temperature`, `top_p`: platform API only; the Codex backend answers them
 *   with 400 "Unsupported parameter", so they are dropped there (warnings). Penalties, seed, stop,
 *   top_k, n and logprobs have no Responses field (warnings).
 * - `stream`: Codex only streams (`true` even for a non-streamed client request: the relay folds
 *   the stream); the platform API follows the client. `store: false` always.
 */
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { AssistantContentPart, ChatRequest, FilePart, ToolChoice, UserContentPart } from '../ir/chat-request.js';
import { DEFAULT_JSON_SCHEMA_NAME } from '../openai-chat/encode-openai-chat-upstream-request.js';
import { resolveOpenAiReasoningEffort } from '../openai-chat/resolve-openai-reasoning-effort.js';
import { upstreamToolName } from '../ir/upstream-tool-names.js';
import type { Converted } from '../protocol-codec.js';
import type {
  ResponsesUpstreamInputContent,
  ResponsesUpstreamInputItem,
  ResponsesUpstreamRequest,
  ResponsesUpstreamTextFormat,
  ResponsesUpstreamTool,
  ResponsesUpstreamToolChoice,
} from './openai-responses-upstream-wire.js';

export type ResponsesUpstreamTarget = 'codex' | 'openai';

export interface EncodeOpenAiResponsesUpstreamOptions {
  /** `codex` (ChatGPT Codex backend, default) or `openai` (platform API with an API key) */
  target?: ResponsesUpstreamTarget;
}

export function encodeOpenAiResponsesUpstreamRequest(
  request: ChatRequest,
  options: EncodeOpenAiResponsesUpstreamOptions = {},
): Converted<ResponsesUpstreamRequest> {
  const warnings: string[] = [];
  const codex = (options.target ?? 'codex') === 'codex';
  const input: ResponsesUpstreamInputItem[] = [];

  for (const message of request.messages) {
    switch (message.role) {
      case 'system': {
        const content: ResponsesUpstreamInputContent[] = [];
        for (const part of message.content) if (part.text.length > 0) content.push({ type: 'input_text', text: part.text });
        if (content.length > 0) input.push({ type: 'message', role: 'developer', content });
        break;
      }
      case 'user':
        input.push({ type: 'message', role: 'user', content: encodeUserContent(message.content) });
        break;
      case 'assistant':
        encodeAssistantItems(message.content, input, warnings);
        break;
      case 'tool':
        for (const result of message.content) {
          const { output } = result;
          input.push({
            type: 'function_call_output',
            call_id: result.toolCallId,
            output: typeof output === 'string' ? output : output === undefined ? '' : JSON.stringify(output),
          });
        }
        break;
    }
  }
  if (input.length === 0) {
    throw new GatewayError('invalid_request', 'the request has no input to send', { param: 'messages' });
  }

  // Key order as Codex CLI sends it: model, instructions, input, tools, …, stream, store.
  const body = { model: request.model } as ResponsesUpstreamRequest;
  let instructions = '';
  for (const part of request.system) {
    if (part.text.length === 0) continue;
    instructions = instructions.length === 0 ? part.text : `${instructions}\n\n${part.text}`;
  }
  if (instructions.length > 0 || codex) body.instructions = instructions;
  body.input = input;

  const tools = encodeTools(request);
  if (tools !== undefined) body.tools = tools;
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);

  const effort = resolveOpenAiReasoningEffort(request.thinking);
  const showThoughts = request.thinking?.includeThoughts !== false;
  const reasoning: NonNullable<ResponsesUpstreamRequest['reasoning']> = {};
  if (effort !== undefined) reasoning.effort = effort;
  if (showThoughts && (codex || request.thinking !== undefined)) reasoning.summary = 'auto';
  if (reasoning.effort !== undefined || reasoning.summary !== undefined) body.reasoning = reasoning;
  if (codex || body.reasoning !== undefined) body.include = ['reasoning.encrypted_content'];

  const format = request.responseFormat;
  if (format !== undefined) body.text = { format: encodeTextFormat(format) };

  const g = request.generation;
  if (codex) {
    if (g.maxOutputTokens !== undefined) warnings.push('the Codex backend does not accept max_output_tokens; it was dropped');
    if (g.temperature !== undefined) warnings.push('the Codex backend does not accept temperature; it was dropped');
    if (g.topP !== undefined) warnings.push('the Codex backend does not accept top_p; it was dropped');
  } else {
    if (g.maxOutputTokens !== undefined) body.max_output_tokens = g.maxOutputTokens;
    if (g.temperature !== undefined) body.temperature = g.temperature;
    if (g.topP !== undefined) body.top_p = g.topP;
  }
  if (g.topK !== undefined) warnings.push('top_k has no Responses equivalent and was ignored');
  if (g.stopSequences !== undefined) warnings.push('stop sequences have no Responses equivalent and were ignored');
  if (g.presencePenalty !== undefined || g.frequencyPenalty !== undefined) warnings.push('penalties have no Responses equivalent and were ignored');
  if (g.seed !== undefined) warnings.push('seed has no Responses equivalent and was ignored');
  if (g.candidateCount !== undefined && g.candidateCount !== 1) warnings.push('n > 1 has no Responses equivalent; one answer is returned');
  if (g.responseLogprobs === true || g.logprobs !== undefined) warnings.push('logprobs were not requested from the Responses upstream');
  if (request.responseModalities?.includes('image') === true || request.imageOutput !== undefined) {
    warnings.push('image output is not requested through the Responses upstream; the request was sent for text');
  }
  if (request.providerOptions?.gemini !== undefined) warnings.push('Gemini-only options were ignored');

  body.stream = codex ? true : request.stream;
  body.store = false;
  return { value: body, warnings };
}

function encodeUserContent(parts: readonly UserContentPart[]): ResponsesUpstreamInputContent[] {
  const out: ResponsesUpstreamInputContent[] = [];
  for (const part of parts) {
    if (part.type === 'text') out.push({ type: 'input_text', text: part.text });
    else out.push(encodeFile(part));
  }
  return out;
}

function encodeFile(part: FilePart): ResponsesUpstreamInputContent {
  if (part.data !== undefined) {
    const url = `data:${part.mediaType};base64,${part.data}`;
    if (part.mediaType.startsWith('image/')) return { type: 'input_image', image_url: url, detail: 'auto' };
    const slash = part.mediaType.indexOf('/');
    return { type: 'input_file', filename: `file.${slash === -1 ? 'bin' : part.mediaType.slice(slash + 1)}`, file_data: url };
  }
  if (part.url !== undefined) {
    return part.mediaType.startsWith('image/')
      ? { type: 'input_image', image_url: part.url, detail: 'auto' }
      : { type: 'input_file', file_url: part.url };
  }
  throw new GatewayError('invalid_request', 'a file part has neither data nor a URL');
}

function encodeAssistantItems(parts: readonly AssistantContentPart[], input: ResponsesUpstreamInputItem[], warnings: string[]): void {
  let text: Array<{ type: 'output_text'; text: string }> | undefined;
  const endText = () => {
    if (text === undefined) return;
    input.push({ type: 'message', role: 'assistant', content: text });
    text = undefined;
  };
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        if (part.text.length > 0) (text ??= []).push({ type: 'output_text', text: part.text });
        break;
      case 'reasoning':
        if (part.signature === undefined) break;
        endText();
        input.push({
          type: 'reasoning',
          summary: part.text.length > 0 ? [{ type: 'summary_text', text: part.text }] : [],
          encrypted_content: part.signature,
        });
        break;
      case 'tool-call':
        endText();
        input.push({
          type: 'function_call',
          call_id: part.toolCallId,
          name: upstreamToolName(part.toolName),
          arguments: part.input === undefined ? '{}' : JSON.stringify(part.input),
        });
        break;
      case 'file':
        warnings.push('an assistant file part has no Responses input form and was dropped');
        break;
    }
  }
  endText();
}

function encodeTools(request: ChatRequest): ResponsesUpstreamTool[] | undefined {
  const search = request.builtinTools?.googleSearch === true;
  if (request.tools.length === 0 && !search) return undefined;
  const out: ResponsesUpstreamTool[] = [];
  for (const tool of request.tools) {
    out.push(
      tool.description === undefined
        ? { type: 'function', name: upstreamToolName(tool.name), parameters: tool.parameters, strict: false }
        : { type: 'function', name: upstreamToolName(tool.name), description: tool.description, parameters: tool.parameters, strict: false },
    );
  }
  if (search) out.push({ type: 'web_search' });
  return out;
}

function encodeToolChoice(choice: ToolChoice): ResponsesUpstreamToolChoice {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', name: upstreamToolName(choice.toolName) };
  }
}

function encodeTextFormat(format: NonNullable<ChatRequest['responseFormat']>): ResponsesUpstreamTextFormat {
  if (format.type === 'text') return { type: 'text' };
  if (format.schema === undefined) return { type: 'json_object' };
  return { type: 'json_schema', name: format.name ?? DEFAULT_JSON_SCHEMA_NAME, schema: format.schema, strict: false };
}
