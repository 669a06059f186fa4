import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatRequest } from '../ir/chat-request.js';
import { encodeOpenAiChatUpstreamRequest, type EncodeOpenAiChatUpstreamOptions } from './encode-openai-chat-upstream-request.js';
import { resolveOpenAiReasoningEffort } from './resolve-openai-reasoning-effort.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-4.1-mini',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    generation: {},
    stream: false,
    ...overrides,
  };
}

const encode = (overrides: Partial<ChatRequest> = {}, options: EncodeOpenAiChatUpstreamOptions = {}) =>
  encodeOpenAiChatUpstreamRequest(request(overrides), options);

describe('encodeOpenAiChatUpstreamRequest', () => {
  it('sends a minimal request with nothing added, model = the upstream model id', () => {
    expect(encode().value).toStrictEqual({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hi' }] });
  });

  describe('generation parameters: forward only what the client set', () => {
    it('keeps falsy values exactly (temperature 0, top_p 0, seed 0, penalties 0, max_tokens 0, logprobs false)', () => {
      const body = encode({
        generation: {
          temperature: 0,
          topP: 0,
          topK: 0,
          maxOutputTokens: 0,
          seed: 0,
          presencePenalty: 0,
          frequencyPenalty: 0,
          responseLogprobs: false,
          logprobs: 0,
          candidateCount: 1,
          stopSequences: [],
        },
      }).value;
      expect(body).toStrictEqual({
        model: 'gpt-4.1-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 0,
        top_p: 0,
        top_k: 0,
        max_tokens: 0,
        stop: [],
        n: 1,
        seed: 0,
        presence_penalty: 0,
        frequency_penalty: 0,
        logprobs: false,
        top_logprobs: 0,
      });
    });

    it('maps every parameter to its OpenAI name', () => {
      const body = encode({
        generation: { temperature: 0.7, topP: 0.9, maxOutputTokens: 1024, stopSequences: ['END', 'STOP'], seed: 42, presencePenalty: 0.5, frequencyPenalty: -0.5 },
      }).value;
      expect(body).toMatchObject({ temperature: 0.7, top_p: 0.9, max_tokens: 1024, stop: ['END', 'STOP'], seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5 });
    });

    it('names the token limit max_completion_tokens when asked', () => {
      const body = encode({ generation: { maxOutputTokens: 500 } }, { maxTokensField: 'max_completion_tokens' }).value;
      expect(body.max_completion_tokens).toBe(500);
      expect(body).not.toHaveProperty('max_tokens');
    });

    it('asks for usage when streaming, and sends no stream fields otherwise', () => {
      expect(encode({ stream: true }).value).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      expect(encode({ stream: false }).value).not.toHaveProperty('stream');
      expect(encode({ stream: false }).value).not.toHaveProperty('stream_options');
    });
  });

  describe('messages', () => {
    it('sends each leading system part as a system (or developer) message, skipping empty ones', () => {
      const ir = { system: [{ type: 'text' as const, text: 'Be brief.' }, { type: 'text' as const, text: '' }, { type: 'text' as const, text: 'Use French.' }] };
      expect(encode(ir).value.messages).toStrictEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Use French.' },
        { role: 'user', content: 'Hi' },
      ]);
      expect(encode(ir, { systemRole: 'developer' }).value.messages[0]).toStrictEqual({ role: 'developer', content: 'Be brief.' });
    });

    it('keeps a later system message in place', () => {
      const messages = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'system', content: [{ type: 'text', text: 'now be formal' }] },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
        ],
      }).value.messages;
      expect(messages.map((m) => m.role)).toStrictEqual(['user', 'system', 'user']);
      expect(messages[1]).toStrictEqual({ role: 'system', content: 'now be formal' });
    });

    it('sends a lone text as a string, text + media as parts (images as data URLs or URLs, PDFs as files), empty text kept', () => {
      expect(encode({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }).value.messages).toStrictEqual([
        { role: 'user', content: '' },
      ]);
      const messages = encode({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'file', mediaType: 'image/png', data: 'AAAA' },
              { type: 'file', mediaType: 'image/jpeg', url: 'https://example.com/cat.jpg' },
              { type: 'file', mediaType: 'application/pdf', data: 'JVBE' },
            ],
          },
        ],
      }).value.messages;
      expect(messages).toStrictEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            { type: 'file', file: { filename: 'file.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
          ],
        },
      ]);
    });

    it('refuses a remote non-image file (it must be inlined first)', () => {
      expect(() =>
        encode({ messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'application/pdf', url: 'https://example.com/a.pdf' }] }] }),
      ).toThrow(GatewayError);
    });

    it('sends assistant text + tool calls with their ids and JSON-string arguments, then role tool results', () => {
      const messages = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking…', signature: 'SIG' },
              { type: 'text', text: 'Checking ' },
              { type: 'text', text: 'both.' },
              { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool-call', toolCallId: 'call_2', toolName: 'now', input: {}, providerMetadata: { gemini: { thoughtSignature: 'G' } } },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { temp: 21, ok: true } },
              { type: 'tool-result', toolCallId: 'call_2', toolName: 'now', output: '10:00', isError: false },
            ],
          },
        ],
      }).value.messages;
      expect(messages.slice(1)).toStrictEqual([
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'now', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21,"ok":true}' },
        { role: 'tool', tool_call_id: 'call_2', content: '10:00' },
      ]);
    });

    it('sends content null on a tool-call-only turn and "" on an empty one', () => {
      const messages = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'x' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: { a: 1 } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', toolName: 'f', output: '' }] },
          { role: 'assistant', content: [] },
        ],
      }).value.messages;
      expect(messages[1]).toMatchObject({ role: 'assistant', content: null });
      expect(messages[2]).toStrictEqual({ role: 'tool', tool_call_id: 'c', content: '' });
      expect(messages[3]).toStrictEqual({ role: 'assistant', content: '' });
    });

    it('drops reasoning unless asked to replay it as reasoning_content', () => {
      const assistant: ChatRequest['messages'][number] = {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'step 1. ' },
          { type: 'reasoning', text: 'step 2.', signature: 'S' },
          { type: 'text', text: 'Done.' },
        ],
      };
      const ir = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'q' }] }, assistant] };
      expect(encode(ir).value.messages[1]).toStrictEqual({ role: 'assistant', content: 'Done.' });
      expect(encode(ir, { includeReasoningContent: true }).value.messages[1]).toStrictEqual({
        role: 'assistant',
        content: 'Done.',
        reasoning_content: 'step 1. step 2.',
      });
    });

    it('drops assistant files with a warning', () => {
      const { value, warnings } = encode({
        messages: [{ role: 'assistant', content: [{ type: 'text', text: 'here' }, { type: 'file', mediaType: 'image/png', data: 'AA' }] }],
      });
      expect(value.messages).toStrictEqual([{ role: 'assistant', content: 'here' }]);
      expect(warnings).toHaveLength(1);
    });

    it('refuses a request with nothing to send', () => {
      expect(() => encode({ messages: [] })).toThrow(GatewayError);
    });
  });

  describe('tools and formats', () => {
    it('sends function tools and every tool_choice form', () => {
      const tools: ChatRequest['tools'] = [
        { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        { name: 'now', parameters: { type: 'object', properties: {} } },
      ];
      expect(encode({ tools }).value.tools).toStrictEqual([
        { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: tools[0]!.parameters } },
        { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
      ]);
      expect(encode({ tools: [], toolChoice: { type: 'auto' } }).value.tool_choice).toBe('auto');
      expect(encode({ toolChoice: { type: 'none' } }).value.tool_choice).toBe('none');
      expect(encode({ toolChoice: { type: 'required' } }).value.tool_choice).toBe('required');
      expect(encode({ toolChoice: { type: 'tool', toolName: 'now' } }).value.tool_choice).toStrictEqual({ type: 'function', function: { name: 'now' } });
      expect(encode().value).not.toHaveProperty('tools');
      expect(encode().value).not.toHaveProperty('tool_choice');
    });

    it('maps response formats', () => {
      expect(encode({ responseFormat: { type: 'text' } }).value.response_format).toStrictEqual({ type: 'text' });
      expect(encode({ responseFormat: { type: 'json' } }).value.response_format).toStrictEqual({ type: 'json_object' });
      const schema = { type: 'object', properties: { a: { type: 'number' } } };
      expect(encode({ responseFormat: { type: 'json', schema, name: 'answer' } }).value.response_format).toStrictEqual({
        type: 'json_schema',
        json_schema: { name: 'answer', schema },
      });
      expect(encode({ responseFormat: { type: 'json', schema } }).value.response_format).toStrictEqual({
        type: 'json_schema',
        json_schema: { name: 'response', schema },
      });
    });

    it('sends thinking as reasoning_effort (unless disabled by option)', () => {
      expect(encode({ thinking: { effort: 'high' } }).value.reasoning_effort).toBe('high');
      expect(encode({ thinking: { effort: 'none' } }).value.reasoning_effort).toBe('none');
      expect(encode({ thinking: { effort: 'auto' } }).value).not.toHaveProperty('reasoning_effort');
      expect(encode({ thinking: { effort: 'high' } }, { sendReasoningEffort: false }).value).not.toHaveProperty('reasoning_effort');
    });

    it('forwards image output and search requests OpenRouter / OpenAI style; warns about Gemini-only options', () => {
      const { value, warnings } = encode({
        responseModalities: ['image', 'text'],
        imageOutput: { aspectRatio: '16:9', imageSize: '2K' },
        builtinTools: { googleSearch: true },
        providerOptions: { gemini: { safetySettings: [] } },
      });
      expect(value).toMatchObject({
        modalities: ['image', 'text'],
        image_config: { aspect_ratio: '16:9', image_size: '2K' },
        web_search_options: {},
      });
      expect(warnings).toStrictEqual(['Gemini safetySettings has no OpenAI equivalent and was ignored']);
    });
  });
});

describe('resolveOpenAiReasoningEffort', () => {
  it('maps efforts, with max → xhigh and auto → nothing', () => {
    expect(resolveOpenAiReasoningEffort(undefined)).toBeUndefined();
    expect(resolveOpenAiReasoningEffort({})).toBeUndefined();
    expect(resolveOpenAiReasoningEffort({ includeThoughts: true })).toBeUndefined();
    expect(resolveOpenAiReasoningEffort({ effort: 'minimal' })).toBe('minimal');
    expect(resolveOpenAiReasoningEffort({ effort: 'xhigh' })).toBe('xhigh');
    expect(resolveOpenAiReasoningEffort({ effort: 'max' })).toBe('xhigh');
    expect(resolveOpenAiReasoningEffort({ effort: 'auto' })).toBeUndefined();
  });

  it('turns budgets into levels on the shared table, budget winning over effort', () => {
    expect(resolveOpenAiReasoningEffort({ budgetTokens: 0, effort: 'high' })).toBe('none');
    expect(resolveOpenAiReasoningEffort({ budgetTokens: -1 })).toBeUndefined();
    expect(resolveOpenAiReasoningEffort({ budgetTokens: 512 })).toBe('minimal');
    expect(resolveOpenAiReasoningEffort({ budgetTokens: 1024 })).toBe('low');
    expect(resolveOpenAiReasoningEffort({ budgetTokens: 8192 })).toBe('medium');
    expect(resolveOpenAiReasoningEffort({ budgetTokens: 24576 })).toBe('high');
    expect(resolveOpenAiReasoningEffort({ budgetTokens: 24577 })).toBe('xhigh');
  });
});
