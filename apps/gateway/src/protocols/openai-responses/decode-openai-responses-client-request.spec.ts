import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { encodeGeminiUpstreamRequest } from '../gemini/encode-gemini-upstream-request.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { decodeOpenAiResponsesClientRequest } from './decode-openai-responses-client-request.js';
import { createOpenAiResponsesClientStreamEncoder } from './openai-responses-client-stream-encoder.js';

const decode = (body: Record<string, unknown>) => decodeOpenAiResponsesClientRequest({ model: 'gemini-2.5-pro', input: 'Hi', ...body }, {});

function invalid(body: Record<string, unknown>): GatewayError {
  try {
    decode(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
    expect((error as GatewayError).status).toBe(400);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('decodeOpenAiResponsesClientRequest', () => {
  it('decodes the minimal request (string input → one user message)', () => {
    expect(decode({}).value).toStrictEqual({
      model: 'gemini-2.5-pro',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      generation: {},
      stream: false,
    });
  });

  it('instructions and leading system / developer messages → system; later ones stay system messages', () => {
    const { value } = decode({
      instructions: 'Be brief',
      input: [
        { role: 'developer', content: 'Dev' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Sys' }] },
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Later' },
      ],
    });
    expect(value.system).toStrictEqual([
      { type: 'text', text: 'Be brief' },
      { type: 'text', text: 'Dev' },
      { type: 'text', text: 'Sys' },
    ]);
    expect(value.messages).toStrictEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'system', content: [{ type: 'text', text: 'Later' }] },
    ]);
  });

  it('user content: input_text, input_image (data URL / http URL), input_file (data URL / bare base64 / URL)', () => {
    const { value } = decode({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBOR', detail: 'auto' },
            { type: 'input_image', image_url: 'https://example.test/a.webp' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBER' },
            { type: 'input_file', filename: 'report.pdf', file_data: 'JVBER2' },
            { type: 'input_file', file_url: 'https://example.test/b.pdf' },
          ],
        },
      ],
    });
    expect(value.messages[0]).toStrictEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look' },
        { type: 'file', mediaType: 'image/png', data: 'iVBOR' },
        { type: 'file', mediaType: 'image/webp', url: 'https://example.test/a.webp' },
        { type: 'file', mediaType: 'application/pdf', data: 'JVBER' },
        { type: 'file', mediaType: 'application/pdf', data: 'JVBER2' },
        { type: 'file', mediaType: 'application/pdf', url: 'https://example.test/b.pdf' },
      ],
    });
  });

  it('file ids, unknown parts and unknown items are a 400 naming them', () => {
    expect(invalid({ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }).param).toBe('input[0].content[0].file_id');
    expect(invalid({ input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }).param).toBe('input[0].content[0].type');
    expect(invalid({ input: [{ type: 'custom_tool_call_output' }] }).param).toBe('input[0].type');
    expect(invalid({ input: [{ role: 'bot', content: 'x' }] }).param).toBe('input[0].role');
    expect(invalid({ input: [] }).param).toBe('input');
    expect(invalid({ input: undefined }).message).toBe('input is required');
  });

  it('the stateless gateway refuses previous_response_id, conversation, item_reference and background', () => {
    expect(invalid({ previous_response_id: 'resp_1' }).param).toBe('previous_response_id');
    expect(invalid({ conversation: 'conv_1' }).param).toBe('conversation');
    expect(invalid({ background: true }).param).toBe('background');
    expect(invalid({ input: [{ type: 'item_reference', id: 'msg_1' }] }).param).toBe('input[0].type');
    expect(decode({ previous_response_id: null, background: false, store: true, include: ['reasoning.encrypted_content'] }).value.model).toBe(
      'gemini-2.5-pro',
    );
  });

  it('generation: max_output_tokens, temperature, top_p as set (0 kept); reasoning.effort → thinking; text.format', () => {
    const { value } = decode({
      max_output_tokens: 256,
      temperature: 0,
      top_p: 0,
      reasoning: { effort: 'low', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      stream: true,
    });
    expect(value.generation).toStrictEqual({ maxOutputTokens: 256, temperature: 0, topP: 0 });
    expect(value.thinking).toStrictEqual({ effort: 'low' });
    expect(value.responseFormat).toStrictEqual({ type: 'json', schema: { type: 'object' }, name: 'answer' });
    expect(value.stream).toBe(true);
    expect(decode({ text: { format: { type: 'json_object' } } }).value.responseFormat).toStrictEqual({ type: 'json' });
    expect(decode({ text: { format: { type: 'text' } } }).value.responseFormat).toStrictEqual({ type: 'text' });
    expect(decode({ reasoning: { effort: null } }).value.thinking).toBeUndefined();
    expect(invalid({ reasoning: { effort: 'extreme' } }).param).toBe('reasoning.effort');
    expect(invalid({ text: { format: { type: 'yaml' } } }).param).toBe('text.format.type');
  });

  it('reasoning.effort reaches Google as a level / budget', () => {
    expect(
      encodeGeminiUpstreamRequest(decode({ model: 'gemini-3-pro-preview', reasoning: { effort: 'high' } }).value).value.generationConfig,
    ).toStrictEqual({ thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } });
    expect(encodeGeminiUpstreamRequest(decode({ reasoning: { effort: 'none' } }).value).value.generationConfig).toStrictEqual({
      thinkingConfig: { thinkingBudget: 128, includeThoughts: false },
    });
  });

  describe('tools and tool_choice', () => {
    it('function tools (null parameters → empty object schema); web_search → Google Search; other hosted tools ignored', () => {
      const { value, warnings } = decode({
        tools: [
          { type: 'function', name: 'shell', description: 'Run', parameters: { type: 'object', properties: {} }, strict: false },
          { type: 'function', name: 'noop', parameters: null },
          { type: 'web_search' },
          { type: 'web_search_preview' },
          { type: 'file_search', vector_store_ids: [] },
        ],
      });
      expect(value.tools).toStrictEqual([
        { name: 'shell', description: 'Run', parameters: { type: 'object', properties: {} } },
        { name: 'noop', parameters: { type: 'object', properties: {} } },
      ]);
      expect(value.builtinTools).toStrictEqual({ googleSearch: true });
      expect(warnings).toStrictEqual(['tools[4]: tool type "file_search" is not supported and was ignored']);
    });

    it.each([
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      ['required', { type: 'required' }],
      [{ type: 'function', name: 'shell' }, { type: 'tool', toolName: 'shell' }],
      [{ type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'shell' }] }, { type: 'tool', toolName: 'shell' }],
      [{ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'a' }, { type: 'function', name: 'b' }] }, { type: 'auto' }],
      [{ type: 'web_search_preview' }, undefined],
    ])('tool_choice %j → %j', (choice, expected) => {
      expect(decode({ tool_choice: choice }).value.toolChoice).toStrictEqual(expected);
    });

    it('bad tool_choice is a 400', () => {
      expect(invalid({ tool_choice: 'any' }).param).toBe('tool_choice');
      expect(invalid({ tool_choice: { type: 'function' } }).param).toBe('tool_choice.name');
    });
  });

  describe('assistant items and tool results', () => {
    it('reasoning, assistant message, function_call form one assistant message; outputs one tool message', () => {
      const { value } = decode({
        input: [
          { role: 'user', content: 'Weather?' },
          { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'A' }, { type: 'summary_text', text: 'B' }], encrypted_content: 'RAW' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
          { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
          { type: 'function_call', call_id: 'call_2', name: 'clock', arguments: '' },
          { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'noon' }, { type: 'input_image', image_url: 'data:image/png;base64,Q0xL' }] },
          { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        ],
      });
      expect(value.messages).toStrictEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'A\n\nB', signature: 'RAW' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool-call', toolCallId: 'call_2', toolName: 'clock', input: {} },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { temp: 21 } },
            { type: 'tool-result', toolCallId: 'call_2', toolName: 'clock', output: 'noon' },
          ],
        },
        { role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'Q0xL' }] },
      ]);
    });

    it('an image_generation_call replayed from our output is an assistant image', () => {
      const { value } = decode({
        input: [
          { role: 'user', content: 'Draw' },
          { type: 'image_generation_call', id: 'ig_1', status: 'completed', result: 'AAAA', output_format: 'webp' },
        ],
      });
      expect(value.messages[1]).toStrictEqual({ role: 'assistant', content: [{ type: 'file', mediaType: 'image/webp', data: 'AAAA' }] });
    });

    it('an unknown call_id is a 400; bad arguments are a 400', () => {
      expect(invalid({ input: [{ type: 'function_call_output', call_id: 'nope', output: 'x' }] }).param).toBe('input[0].call_id');
      expect(invalid({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '[1]' }] }).param).toBe('input[0].arguments');
    });

    it('signature carriers go to the next message text / function_call; a trailing text carrier is a signed empty text', () => {
      const { value } = decode({
        input: [
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'cligate:tool-call:CALL' },
          { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' },
          { type: 'reasoning', summary: [], encrypted_content: 'cligate:text:TEXT' },
          { role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] },
          { type: 'reasoning', summary: [], encrypted_content: 'cligate:text:TAIL' },
        ],
      });
      expect(value.messages).toStrictEqual([
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'plan' },
            { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {}, providerMetadata: { gemini: { thoughtSignature: 'CALL' } } },
            { type: 'text', text: 'ok', providerMetadata: { gemini: { thoughtSignature: 'TEXT' } } },
            { type: 'text', text: '', providerMetadata: { gemini: { thoughtSignature: 'TAIL' } } },
          ],
        },
      ]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Multi-turn tool loops: a client replays our output items; every signature must land on its part
// ---------------------------------------------------------------------------------------------

const GOLDEN = new URL('../code-assist/__golden__/', import.meta.url);
const goldenOutput = (name: string) =>
  (JSON.parse(readFileSync(new URL(`${name}.as-openai-responses.json`, GOLDEN), 'utf8')) as { output: unknown[] }).output;

/** Our stream, read by the real SDK; its output items are what Codex replays as input. */
async function replayThroughSdk(parts: ChatStreamPart[]): Promise<OpenAI.Responses.ResponseOutputItem[]> {
  const sse = runStage(
    createOpenAiResponsesClientStreamEncoder({ responseId: 'loop', model: 'gemini-3-pro-preview', created: 0, includeUsage: true }),
    parts,
  ).join('');
  const client = new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return (await client.responses.stream({ model: 'm', input: 'x' }).finalResponse()).output;
}

describe('multi-turn tool loop (Responses → Gemini)', () => {
  it('tool-call.1 output replayed with function_call_output items: the first call gets its signature back', () => {
    const { value } = decode({
      input: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        ...goldenOutput('tool-call.1'),
        { type: 'function_call_output', call_id: 'call_golden001', output: '{"temp":21}' },
        { type: 'function_call_output', call_id: 'call_golden002', output: 'rainy' },
      ],
    });
    expect(encodeGeminiUpstreamRequest(value).value.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'model',
        parts: [
          { text: "I'll look up the weather in both cities." },
          { functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } }, thoughtSignature: 'CiQBVKhc7pQpSkq0ZqZsig==' },
          { functionCall: { name: 'get_weather', args: { city: 'Tokyo', unit: 'celsius' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_weather', response: { result: 'rainy' } } },
        ],
      },
    ]);
  });

  it('thinking-signature.1 output replayed: the thought and the text part each get their own signature', () => {
    const { value } = decode({ input: [{ role: 'user', content: '6 × 7?' }, ...goldenOutput('thinking-signature.1'), { role: 'user', content: 'And 6 × 8?' }] });
    expect(encodeGeminiUpstreamRequest(value).value.contents[1]).toStrictEqual({
      role: 'model',
      parts: [
        {
          text: '**Weighing the arithmetic**\n\nThe user asks for 6 × 7. Multiplying gives 42.',
          thought: true,
          thoughtSignature: 'EvMDCvADAdHtim9sig1',
        },
        { text: '6 × 7 = **42**.', thoughtSignature: 'EpQCCpECAdHtim9sig2' },
      ],
    });
  });

  it('Gemini 3 tool turn through the SDK: reasoning item + function_call + function_call_output keeps the call signature', async () => {
    const output = await replayThroughSdk([
      { type: 'reasoning-delta', delta: 'I need the weather.' },
      { type: 'tool-call', toolCallId: 'call_x', toolName: 'get_weather', input: { city: 'Oslo' }, providerMetadata: { gemini: { thoughtSignature: 'G3SIG' } } },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } },
    ]);
    expect(output.map((item) => item.type)).toStrictEqual(['reasoning', 'function_call']);
    expect((output[0] as OpenAI.Responses.ResponseReasoningItem).encrypted_content).toBe('cligate:tool-call:G3SIG');
    const { value } = decode({
      model: 'gemini-3-pro-preview',
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        ...output,
        { type: 'function_call_output', call_id: 'call_x', output: '{"temp":-3}' },
      ],
    });
    expect(encodeGeminiUpstreamRequest(value).value.contents.slice(1)).toStrictEqual([
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'G3SIG' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: -3 } } }] },
    ]);
  });
});
