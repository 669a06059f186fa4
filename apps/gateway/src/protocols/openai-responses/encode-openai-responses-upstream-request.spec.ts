import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatRequest } from '../ir/chat-request.js';
import { encodeOpenAiResponsesUpstreamRequest, type EncodeOpenAiResponsesUpstreamOptions } from './encode-openai-responses-upstream-request.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-5.1-codex',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    generation: {},
    stream: false,
    ...overrides,
  };
}

const encode = (overrides: Partial<ChatRequest> = {}, options: EncodeOpenAiResponsesUpstreamOptions = {}) =>
  encodeOpenAiResponsesUpstreamRequest(request(overrides), options);
const platform = (overrides: Partial<ChatRequest> = {}) => encode(overrides, { target: 'openai' });

describe('encodeOpenAiResponsesUpstreamRequest', () => {
  it('Codex: always streams, stores nothing, always has instructions, asks for reasoning summaries and encrypted state', () => {
    expect(encode().value).toStrictEqual({
      model: 'gpt-5.1-codex',
      instructions: '',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      reasoning: { summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      stream: true,
      store: false,
    });
  });

  it('platform API: follows the client on stream and adds nothing it did not ask for', () => {
    expect(platform({ model: 'gpt-4.1' }).value).toStrictEqual({
      model: 'gpt-4.1',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      stream: false,
      store: false,
    });
    expect(platform({ stream: true }).value.stream).toBe(true);
  });

  it('joins leading system parts into instructions and turns a later system message into a developer item', () => {
    const { value } = encode({
      system: [{ type: 'text', text: 'You are Codex.' }, { type: 'text', text: '' }, { type: 'text', text: 'Be terse.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a' }] },
        { role: 'system', content: [{ type: 'text', text: 'Now review.' }] },
      ],
    });
    expect(value.instructions).toBe('You are Codex.\n\nBe terse.');
    expect(value.input[1]).toStrictEqual({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Now review.' }] });
  });

  it('sends user images (data URL or URL) and other media as input_file', () => {
    const { value } = encode({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'file', mediaType: 'image/png', data: 'AAAA' },
            { type: 'file', mediaType: 'image/png', url: 'https://example.com/a.png' },
            { type: 'file', mediaType: 'application/pdf', data: 'JVBE' },
            { type: 'file', mediaType: 'application/pdf', url: 'https://example.com/a.pdf' },
          ],
        },
      ],
    });
    expect(value.input[0]).toStrictEqual({
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: '' },
        { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' },
        { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
        { type: 'input_file', filename: 'file.pdf', file_data: 'data:application/pdf;base64,JVBE' },
        { type: 'input_file', file_url: 'https://example.com/a.pdf' },
      ],
    });
  });

  it('replays an assistant turn item by item: signed reasoning with encrypted_content, text runs, function calls; then outputs', () => {
    const { value, warnings } = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'List files' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'unsigned' },
            { type: 'reasoning', text: '**Listing**', signature: 'gAAAA-enc-1' },
            { type: 'text', text: 'Running ' },
            { type: 'text', text: 'ls.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'shell', input: { command: ['ls'] } },
            { type: 'reasoning', text: '', signature: 'gAAAA-enc-2' },
            { type: 'tool-call', toolCallId: 'call_2', toolName: 'noop', input: undefined },
            { type: 'file', mediaType: 'image/png', data: 'AA' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', toolName: 'shell', output: 'a.txt\nb.txt' },
            { type: 'tool-result', toolCallId: 'call_2', toolName: 'noop', output: { ok: true } },
          ],
        },
      ],
    });
    expect(value.input.slice(1)).toStrictEqual([
      { type: 'reasoning', summary: [{ type: 'summary_text', text: '**Listing**' }], encrypted_content: 'gAAAA-enc-1' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running ' }, { type: 'output_text', text: 'ls.' }] },
      { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
      { type: 'reasoning', summary: [], encrypted_content: 'gAAAA-enc-2' },
      { type: 'function_call', call_id: 'call_2', name: 'noop', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'a.txt\nb.txt' },
      { type: 'function_call_output', call_id: 'call_2', output: '{"ok":true}' },
    ]);
    expect(warnings).toStrictEqual(['an assistant file part has no Responses input form and was dropped']);
  });

  it('sends function tools with strict false, web search, and every tool_choice form', () => {
    const parameters = { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } };
    const { value } = encode({
      tools: [{ name: 'shell', description: 'Run a command', parameters }, { name: 'noop', parameters: { type: 'object' } }],
      builtinTools: { googleSearch: true },
      toolChoice: { type: 'tool', toolName: 'shell' },
    });
    expect(value.tools).toStrictEqual([
      { type: 'function', name: 'shell', description: 'Run a command', parameters, strict: false },
      { type: 'function', name: 'noop', parameters: { type: 'object' }, strict: false },
      { type: 'web_search' },
    ]);
    expect(value.tool_choice).toStrictEqual({ type: 'function', name: 'shell' });
    expect(encode({ toolChoice: { type: 'auto' } }).value.tool_choice).toBe('auto');
    expect(encode({ toolChoice: { type: 'none' } }).value.tool_choice).toBe('none');
    expect(encode({ toolChoice: { type: 'required' } }).value.tool_choice).toBe('required');
  });

  it('maps thinking to reasoning.effort; hidden thoughts send no summary request but keep the encrypted state', () => {
    expect(encode({ thinking: { effort: 'high' } }).value.reasoning).toStrictEqual({ effort: 'high', summary: 'auto' });
    expect(encode({ thinking: { effort: 'max' } }).value.reasoning).toStrictEqual({ effort: 'xhigh', summary: 'auto' });
    expect(encode({ thinking: { budgetTokens: 0 } }).value.reasoning).toStrictEqual({ effort: 'none', summary: 'auto' });
    const hidden = encode({ thinking: { effort: 'low', includeThoughts: false } }).value;
    expect(hidden.reasoning).toStrictEqual({ effort: 'low' });
    expect(hidden.include).toStrictEqual(['reasoning.encrypted_content']);
    const hiddenDefault = encode({ thinking: { includeThoughts: false } }).value;
    expect(hiddenDefault).not.toHaveProperty('reasoning');
    expect(hiddenDefault.include).toStrictEqual(['reasoning.encrypted_content']);
    expect(platform({ thinking: { effort: 'medium' } }).value).toMatchObject({ reasoning: { effort: 'medium', summary: 'auto' }, include: ['reasoning.encrypted_content'] });
  });

  it('maps response formats to text.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(encode({ responseFormat: { type: 'json', schema, name: 'out' } }).value.text).toStrictEqual({
      format: { type: 'json_schema', name: 'out', schema, strict: false },
    });
    expect(encode({ responseFormat: { type: 'json', schema } }).value.text).toStrictEqual({
      format: { type: 'json_schema', name: 'response', schema, strict: false },
    });
    expect(encode({ responseFormat: { type: 'json' } }).value.text).toStrictEqual({ format: { type: 'json_object' } });
    expect(encode({ responseFormat: { type: 'text' } }).value.text).toStrictEqual({ format: { type: 'text' } });
  });

  it('sampling and limits: platform API forwards them exactly (falsy included); Codex drops them with warnings', () => {
    const generation = { maxOutputTokens: 0, temperature: 0, topP: 0 };
    expect(platform({ generation }).value).toMatchObject({ max_output_tokens: 0, temperature: 0, top_p: 0 });
    const codex = encode({ generation });
    expect(codex.value).not.toHaveProperty('max_output_tokens');
    expect(codex.value).not.toHaveProperty('temperature');
    expect(codex.value).not.toHaveProperty('top_p');
    expect(codex.warnings).toHaveLength(3);
  });

  it('warns about parameters Responses has no field for', () => {
    const { warnings } = platform({ generation: { topK: 1, stopSequences: ['x'], seed: 1, presencePenalty: 0, candidateCount: 2, logprobs: 2 } });
    expect(warnings).toHaveLength(6);
  });

  it('refuses a request with nothing to send', () => {
    expect(() => encode({ messages: [] })).toThrow(GatewayError);
  });
});
