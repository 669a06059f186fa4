import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { encodeGeminiUpstreamRequest, SKIP_THOUGHT_SIGNATURE } from '../gemini/encode-gemini-upstream-request.js';
import { decodeOpenAiChatClientRequest, looksLikeGeminiRequest } from './decode-openai-chat-client-request.js';

const decode = (body: Record<string, unknown>) =>
  decodeOpenAiChatClientRequest({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'Hi' }], ...body }, {});

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

describe('decodeOpenAiChatClientRequest', () => {
  it('decodes the minimal request', () => {
    expect(decode({}).value).toStrictEqual({
      model: 'gemini-2.5-pro',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      generation: {},
      stream: false,
    });
  });

  describe('roles', () => {
    it('leading system/developer run → system; later ones → system messages', () => {
      const { value } = decode({
        messages: [
          { role: 'system', content: 'A' },
          { role: 'developer', content: [{ type: 'text', text: 'B' }, { type: 'text', text: 'C' }] },
          { role: 'user', content: 'Hi' },
          { role: 'system', content: 'D' },
        ],
      });
      expect(value.system).toStrictEqual([
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B' },
        { type: 'text', text: 'C' },
      ]);
      expect(value.messages).toStrictEqual([
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'system', content: [{ type: 'text', text: 'D' }] },
      ]);
    });

    it('an empty system prompt decodes to an empty text and sends no systemInstruction', () => {
      const { value } = decode({ messages: [{ role: 'system', content: '' }, { role: 'user', content: 'Hi' }] });
      expect(value.system).toStrictEqual([{ type: 'text', text: '' }]);
      expect(encodeGeminiUpstreamRequest(value).value.systemInstruction).toBeUndefined();
    });

    it('rejects unknown roles and the legacy function role', () => {
      expect(invalid({ messages: [{ role: 'bot', content: 'x' }] }).param).toBe('messages[0].role');
      expect(invalid({ messages: [{ role: 'function', name: 'f', content: 'x' }] }).param).toBe('messages[0].role');
      expect(invalid({ messages: [{ content: 'x' }] }).message).toBe('messages[0].role is required');
    });
  });

  describe('user content parts', () => {
    it('text and images (data URL → base64 file; http URL → URL file)', () => {
      const { value } = decode({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/PNG;base64,iVBORw0K', detail: 'high' } },
              { type: 'image_url', image_url: 'https://example.test/cat.jpg?size=2' },
              { type: 'image_url', image_url: { url: 'http://example.test/x' } },
            ],
          },
        ],
      });
      expect(value.messages[0]).toStrictEqual({
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'file', mediaType: 'image/png', data: 'iVBORw0K' },
          { type: 'file', mediaType: 'image/jpeg', url: 'https://example.test/cat.jpg?size=2' },
          { type: 'file', mediaType: 'application/octet-stream', url: 'http://example.test/x' },
        ],
      });
    });

    it('input_audio and file parts are a 400 naming the part', () => {
      const audio = invalid({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] });
      expect(audio.param).toBe('messages[0].content[0]');
      expect(audio.message).toContain('input_audio');
      const file = invalid({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'file', file: {} }] }] });
      expect(file.param).toBe('messages[0].content[1]');
      expect(file.message).toContain('file');
    });

    it('bad image URLs are a 400', () => {
      expect(invalid({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }] }).param).toBe(
        'messages[0].content[0].image_url',
      );
      expect(
        invalid({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml,<svg/>' } }] }] }).param,
      ).toBe('messages[0].content[0].image_url');
    });
  });

  describe('tool loop', () => {
    const loop = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"temp": 21}' },
      { role: 'tool', tool_call_id: 'call_b', name: 'get_time', content: 'noon' },
      { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: '[1,2]' }] },
    ];

    it('keeps a tool-call turn with null content, resolves names, merges consecutive tool messages', () => {
      const { value } = decode({ messages: loop });
      expect(value.messages).toStrictEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 'call_a', toolName: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool-call', toolCallId: 'call_b', toolName: 'get_time', input: {} },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_a', toolName: 'get_weather', output: { temp: 21 } },
            { type: 'tool-result', toolCallId: 'call_b', toolName: 'get_time', output: 'noon' },
            { type: 'tool-result', toolCallId: 'call_a', toolName: 'get_weather', output: '[1,2]' },
          ],
        },
      ]);
    });

    it('reaches Gemini as a signed model turn and one functionResponse turn', () => {
      const { value } = decode({ messages: loop });
      expect(encodeGeminiUpstreamRequest(value).value.contents).toStrictEqual([
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
            { functionCall: { name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
            { functionResponse: { name: 'get_time', response: { result: 'noon' } } },
            { functionResponse: { name: 'get_weather', response: { result: '[1,2]' } } },
          ],
        },
      ]);
    });

    it('an unresolvable tool_call_id is a 400 on messages[i].tool_call_id', () => {
      const error = invalid({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }] });
      expect(error.param).toBe('messages[1].tool_call_id');
      expect(error.message).toContain('nope');
    });

    it('malformed arguments and missing ids are 400s', () => {
      const call = (fn: unknown, id: unknown = 'c') => ({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: fn }] }] });
      expect(invalid(call({ name: 'f', arguments: '{oops' })).param).toBe('messages[0].tool_calls[0].function.arguments');
      expect(invalid(call({ name: 'f', arguments: '[1]' })).param).toBe('messages[0].tool_calls[0].function.arguments');
      expect(invalid(call({ name: 'f', arguments: '{}' }, null)).param).toBe('messages[0].tool_calls[0].id');
    });

    it('keeps assistant text, refusal parts and reasoning_content', () => {
      const { value } = decode({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', reasoning_content: 'why', content: [{ type: 'text', text: 'a' }, { type: 'refusal', refusal: 'no' }] },
        ],
      });
      expect(value.messages[1]).toStrictEqual({
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'why' },
          { type: 'text', text: 'a' },
          { type: 'text', text: 'no' },
        ],
      });
    });
  });

  describe('tools and tool_choice', () => {
    it('decodes function tools; a null or absent schema is an empty object schema', () => {
      const { value } = decode({
        tools: [
          { type: 'function', function: { name: 'a', description: 'd', parameters: { type: 'object', properties: { x: { type: 'string' } } } } },
          { type: 'function', function: { name: 'b', parameters: null } },
          { type: 'function', function: { name: 'c' } },
        ],
      });
      expect(value.tools).toStrictEqual([
        { name: 'a', description: 'd', parameters: { type: 'object', properties: { x: { type: 'string' } } } },
        { name: 'b', parameters: { type: 'object', properties: {} } },
        { name: 'c', parameters: { type: 'object', properties: {} } },
      ]);
    });

    it('tool_choice: strings, function choice, and null (= absent)', () => {
      expect(decode({ tool_choice: 'auto' }).value.toolChoice).toStrictEqual({ type: 'auto' });
      expect(decode({ tool_choice: 'none' }).value.toolChoice).toStrictEqual({ type: 'none' });
      expect(decode({ tool_choice: 'required' }).value.toolChoice).toStrictEqual({ type: 'required' });
      expect(decode({ tool_choice: { type: 'function', function: { name: 'f' } } }).value.toolChoice).toStrictEqual({
        type: 'tool',
        toolName: 'f',
      });
      expect(decode({ tool_choice: null }).value.toolChoice).toBeUndefined();
      expect('toolChoice' in decode({ tool_choice: null }).value).toBe(false);
      expect(invalid({ tool_choice: 'any' }).param).toBe('tool_choice');
      expect(invalid({ tools: [{ type: 'custom', custom: {} }] }).param).toBe('tools[0].type');
    });
  });

  describe('generation parameters', () => {
    it('maps every parameter and keeps falsy values', () => {
      expect(
        decode({
          temperature: 0,
          top_p: 0,
          top_k: 0,
          max_tokens: 10,
          stop: 'END',
          n: 1,
          seed: 0,
          presence_penalty: 0,
          frequency_penalty: 0,
          logprobs: false,
          top_logprobs: 0,
        }).value.generation,
      ).toStrictEqual({
        temperature: 0,
        topP: 0,
        topK: 0,
        maxOutputTokens: 10,
        stopSequences: ['END'],
        candidateCount: 1,
        seed: 0,
        presencePenalty: 0,
        frequencyPenalty: 0,
        responseLogprobs: false,
        logprobs: 0,
      });
    });

    it('max_completion_tokens wins over max_tokens; stop arrays; nulls are absent', () => {
      expect(decode({ max_tokens: 10, max_completion_tokens: 20, stop: ['a', 'b'] }).value.generation).toStrictEqual({
        maxOutputTokens: 20,
        stopSequences: ['a', 'b'],
      });
      expect(decode({ temperature: null, stop: null, max_tokens: null }).value.generation).toStrictEqual({});
    });

    it('temperature 0 reaches Google as 0', () => {
      expect(encodeGeminiUpstreamRequest(decode({ temperature: 0 }).value).value.generationConfig).toStrictEqual({ temperature: 0 });
    });

    it('warns for n > 1', () => {
      expect(decode({ n: 2 }).warnings).toContain('n > 1: only the first choice is returned');
    });

    it.each([
      ['temperature', 'hot', 'temperature must be a number'],
      ['top_p', '1', 'top_p must be a number'],
      ['max_tokens', 1.5, 'max_tokens must be an integer'],
      ['n', '2', 'n must be an integer'],
      ['seed', true, 'seed must be an integer'],
      ['stream', 'yes', 'stream must be a boolean'],
      ['logprobs', 1, 'logprobs must be a boolean'],
      ['model', 5, 'model must be a string'],
      ['messages', 'hi', 'messages must be an array'],
    ])('%s: %o → "%s"', (field, bad, message) => {
      const error = invalid({ [field]: bad });
      expect(error.message).toBe(message);
      expect(error.param).toBe(field);
    });

    it('stop with a non-string element is a 400', () => {
      expect(invalid({ stop: ['a', 1] }).param).toBe('stop[1]');
    });
  });

  describe('formats, reasoning, modalities, images, stream', () => {
    it('response_format', () => {
      expect(decode({ response_format: { type: 'text' } }).value.responseFormat).toStrictEqual({ type: 'text' });
      expect(decode({ response_format: { type: 'json_object' } }).value.responseFormat).toStrictEqual({ type: 'json' });
      expect(
        decode({ response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' }, strict: true } } }).value
          .responseFormat,
      ).toStrictEqual({ type: 'json', schema: { type: 'object' }, name: 'r' });
      expect(invalid({ response_format: { type: 'yaml' } }).param).toBe('response_format.type');
    });

    it('reasoning_effort → thinking.effort', () => {
      expect(decode({ reasoning_effort: 'low' }).value.thinking).toStrictEqual({ effort: 'low' });
      expect(decode({ reasoning_effort: 'none' }).value.thinking).toStrictEqual({ effort: 'none' });
      expect(invalid({ reasoning_effort: 'extreme' }).param).toBe('reasoning_effort');
    });

    it('modalities and OpenRouter image_config', () => {
      const { value } = decode({ modalities: ['image', 'text'], image_config: { aspect_ratio: '16:9', image_size: '4K' } });
      expect(value.responseModalities).toStrictEqual(['image', 'text']);
      expect(value.imageOutput).toStrictEqual({ aspectRatio: '16:9', imageSize: '4K' });
      expect(invalid({ modalities: ['audio'] }).param).toBe('modalities[0]');
    });

    it('stream flag, stream_options and web_search_options', () => {
      expect(decode({ stream: true, stream_options: { include_usage: true } }).value.stream).toBe(true);
      expect(invalid({ stream_options: { include_usage: 'yes' } }).param).toBe('stream_options.include_usage');
      expect(decode({ web_search_options: {} }).value.builtinTools).toStrictEqual({ googleSearch: true });
    });

    it('ignores unknown fields', () => {
      expect(decode({ user: 'u', metadata: { a: 1 }, store: false, parallel_tool_calls: true, brand_new: 1 }).value).toStrictEqual(decode({}).value);
    });
  });

  it('looksLikeGeminiRequest', () => {
    expect(looksLikeGeminiRequest({ contents: [] })).toBe(true);
    expect(looksLikeGeminiRequest({ contents: [], messages: [] })).toBe(false);
    expect(looksLikeGeminiRequest({ messages: [] })).toBe(false);
    expect(looksLikeGeminiRequest({ contents: 'x' })).toBe(false);
    expect(looksLikeGeminiRequest(null)).toBe(false);
    expect(looksLikeGeminiRequest([{ contents: [] }])).toBe(false);
  });

  it('the body must be an object with messages', () => {
    expect(() => decodeOpenAiChatClientRequest('x', {})).toThrowError('request body must be a JSON object');
    expect(invalid({ messages: [] }).param).toBe('messages');
  });
});
