import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatRequest } from '../ir/chat-request.js';
import { cleanJsonSchema, encodeGeminiUpstreamRequest, SKIP_THOUGHT_SIGNATURE } from './encode-gemini-upstream-request.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gemini-2.5-pro',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    generation: {},
    stream: false,
    ...overrides,
  };
}

const encode = (overrides: Partial<ChatRequest> = {}, options = {}) =>
  encodeGeminiUpstreamRequest(request(overrides), options).value;

describe('encodeGeminiUpstreamRequest', () => {
  it('sends a minimal request with nothing added', () => {
    expect(encode()).toStrictEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  describe('generation parameters: forward only what the client set', () => {
    it('keeps falsy values exactly (temperature 0, seed 0, penalties 0, logprobs false)', () => {
      expect(
        encode({
          generation: { temperature: 0, topP: 0, topK: 0, seed: 0, presencePenalty: 0, frequencyPenalty: 0, responseLogprobs: false },
        }).generationConfig,
      ).toStrictEqual({ temperature: 0, topP: 0, topK: 0, presencePenalty: 0, frequencyPenalty: 0, seed: 0, responseLogprobs: false });
    });

    it('maps every parameter to its Gemini name', () => {
      expect(
        encode({
          generation: {
            temperature: 0.7,
            topP: 0.9,
            topK: 40,
            maxOutputTokens: 1024,
            stopSequences: ['END'],
            presencePenalty: 0.5,
            frequencyPenalty: 0.25,
            seed: 42,
            candidateCount: 1,
            responseLogprobs: true,
            logprobs: 3,
          },
        }).generationConfig,
      ).toStrictEqual({
        temperature: 0.7,
        topP: 0.9,
        topK: 40,
        candidateCount: 1,
        maxOutputTokens: 1024,
        stopSequences: ['END'],
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        seed: 42,
        responseLogprobs: true,
        logprobs: 3,
      });
    });

    it('sends no generationConfig, safety settings or topK when the client set nothing', () => {
      const body = encode();
      expect(body.generationConfig).toBeUndefined();
      expect(body.safetySettings).toBeUndefined();
    });
  });

  describe('system messages', () => {
    it('puts the leading run in systemInstruction, one part each', () => {
      const body = encode({ system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] });
      expect(body.systemInstruction).toStrictEqual({ parts: [{ text: 'A' }, { text: 'B' }] });
      expect(body.contents).toStrictEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
    });

    it('drops an empty system prompt instead of sending an empty part', () => {
      expect(encode({ system: [{ type: 'text', text: '' }] }).systemInstruction).toBeUndefined();
    });

    it('turns a later system message into a user turn', () => {
      const body = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
          { role: 'system', content: [{ type: 'text', text: 'Be brief' }] },
        ],
      });
      expect(body.contents).toStrictEqual([
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello' }] },
        { role: 'user', parts: [{ text: 'Be brief' }] },
      ]);
    });

    it('compatibility mode: every system text is a user turn and no systemInstruction', () => {
      const body = encode(
        {
          system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }],
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
            { role: 'system', content: [{ type: 'text', text: 'C' }] },
          ],
        },
        { compatibilityMode: true },
      );
      expect(body.systemInstruction).toBeUndefined();
      expect(body.contents).toStrictEqual([
        { role: 'user', parts: [{ text: 'A' }] },
        { role: 'user', parts: [{ text: 'B' }] },
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'user', parts: [{ text: 'C' }] },
      ]);
    });

    it('refuses a request with nothing but a system prompt', () => {
      expect(() => encode({ system: [{ type: 'text', text: 'A' }], messages: [] })).toThrowError(GatewayError);
    });
  });

  describe('tool loop', () => {
    const loop: Partial<ChatRequest> = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool-call', toolCallId: 'call_2', toolName: 'get_weather', input: { city: 'Tokyo' } },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { temp: 21 } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', toolName: 'get_weather', output: 'sunny' }] },
      ],
    };

    it('keeps a tool-call turn without text, signs its first call with the sentinel, merges tool results', () => {
      expect(encode(loop).contents).toStrictEqual([
        { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
            { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
            { functionResponse: { name: 'get_weather', response: { result: 'sunny' } } },
          ],
        },
      ]);
    });

    it('never sends call ids upstream', () => {
      expect(JSON.stringify(encode(loop))).not.toContain('call_1');
    });

    it('uses the real signature from providerMetadata and puts text before calls', () => {
      const body = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool-call',
                toolCallId: 'a',
                toolName: 'f',
                input: {},
                providerMetadata: { gemini: { thoughtSignature: 'REAL' } },
              },
              { type: 'text', text: 'Let me check.' },
            ],
          },
        ],
      });
      expect(body.contents[1]).toStrictEqual({
        role: 'model',
        parts: [{ text: 'Let me check.' }, { functionCall: { name: 'f', args: {} }, thoughtSignature: 'REAL' }],
      });
    });

    it('signs the first call of every model turn', () => {
      const call = { type: 'tool-call' as const, toolCallId: 'x', toolName: 'f', input: {} };
      const result = { type: 'tool-result' as const, toolCallId: 'x', toolName: 'f', output: {} };
      const body = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          { role: 'assistant', content: [call] },
          { role: 'tool', content: [result] },
          { role: 'assistant', content: [call] },
          { role: 'tool', content: [result] },
        ],
      });
      expect(body.contents[1]!.parts[0]!.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE);
      expect(body.contents[3]!.parts[0]!.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE);
    });

    it('wraps error results and non-object outputs', () => {
      const body = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'a', toolName: 'f', output: 'boom', isError: true },
              { type: 'tool-result', toolCallId: 'b', toolName: 'g', output: { code: 1 }, isError: true },
              { type: 'tool-result', toolCallId: 'c', toolName: 'h', output: [1, 2] },
              { type: 'tool-result', toolCallId: 'd', toolName: 'i', output: null },
            ],
          },
        ],
      });
      expect(body.contents[1]!.parts.map((p) => p.functionResponse!.response)).toStrictEqual([
        { error: 'boom' },
        { error: { code: 1 } },
        { result: [1, 2] },
        { result: null },
      ]);
    });

    it('replays signed reasoning as a thought part and drops unsigned reasoning', () => {
      const body = encode({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'unsigned thought' },
              { type: 'reasoning', text: 'signed thought', signature: 'SIG' },
              { type: 'text', text: 'answer', providerMetadata: { gemini: { thoughtSignature: 'SIG2' } } },
            ],
          },
        ],
      });
      expect(body.contents[1]!.parts).toStrictEqual([
        { text: 'signed thought', thought: true, thoughtSignature: 'SIG' },
        { text: 'answer', thoughtSignature: 'SIG2' },
      ]);
    });
  });

  describe('files', () => {
    it('sends base64 files as inlineData', () => {
      const body = encode({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'file', mediaType: 'image/png', data: 'AAAA' }] }],
      });
      expect(body.contents[0]!.parts).toStrictEqual([{ text: 'what?' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }]);
    });

    it('refuses a remote URL that reached the encoder', () => {
      const run = () =>
        encode({ messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'image/png', url: 'https://x.test/a.png' }] }] });
      expect(run).toThrowError(GatewayError);
      expect(run).toThrowError('remote image URLs are not supported');
      try {
        run();
      } catch (error) {
        expect((error as GatewayError).code).toBe('invalid_request');
      }
    });
  });

  describe('tools', () => {
    it('declares functions with JSON Schema (cleaned) and adds googleSearch', () => {
      const body = encode({
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string' } } },
          },
          { name: 'noop', parameters: null as never },
        ],
        builtinTools: { googleSearch: true },
      });
      expect(body.tools).toStrictEqual([
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } },
            { name: 'noop', parametersJsonSchema: { type: 'object', properties: {} } },
          ],
        },
        { googleSearch: {} },
      ]);
    });

    it('sends only googleSearch when there are no function tools', () => {
      expect(encode({ builtinTools: { googleSearch: true } }).tools).toStrictEqual([{ googleSearch: {} }]);
    });

    it('maps tool choice to functionCallingConfig', () => {
      expect(encode({ toolChoice: { type: 'auto' } }).toolConfig).toStrictEqual({ functionCallingConfig: { mode: 'AUTO' } });
      expect(encode({ toolChoice: { type: 'none' } }).toolConfig).toStrictEqual({ functionCallingConfig: { mode: 'NONE' } });
      expect(encode({ toolChoice: { type: 'required' } }).toolConfig).toStrictEqual({ functionCallingConfig: { mode: 'ANY' } });
      expect(encode({ toolChoice: { type: 'tool', toolName: 'f' } }).toolConfig).toStrictEqual({
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] },
      });
      expect(encode().toolConfig).toBeUndefined();
    });

    it('cleanJsonSchema copies only when it must', () => {
      const schema = { type: 'object', properties: {} };
      expect(cleanJsonSchema(schema)).toBe(schema);
      expect(cleanJsonSchema(undefined)).toStrictEqual({ type: 'object', properties: {} });
    });
  });

  describe('formats, modalities, images, thinking, provider options', () => {
    it('maps response formats', () => {
      expect(encode({ responseFormat: { type: 'text' } }).generationConfig).toStrictEqual({ responseMimeType: 'text/plain' });
      expect(encode({ responseFormat: { type: 'json' } }).generationConfig).toStrictEqual({ responseMimeType: 'application/json' });
      expect(
        encode({ responseFormat: { type: 'json', name: 'x', schema: { $schema: 's', type: 'object' } } }).generationConfig,
      ).toStrictEqual({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } });
    });

    it('upper-cases modalities and maps image options', () => {
      expect(
        encode({ responseModalities: ['text', 'image'], imageOutput: { aspectRatio: '16:9', imageSize: '2K' } }).generationConfig,
      ).toStrictEqual({ responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } });
      expect(encode({ imageOutput: {} }).generationConfig).toBeUndefined();
    });

    it('resolves thinking for the model', () => {
      expect(encode({ thinking: { effort: 'high' } }).generationConfig).toStrictEqual({
        thinkingConfig: { thinkingBudget: 24576, includeThoughts: true },
      });
      expect(encode({ model: 'gemini-3-pro-preview', thinking: { effort: 'low' } }).generationConfig).toStrictEqual({
        thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true },
      });
    });

    it('passes Gemini provider options through, client keys winning over extra generationConfig', () => {
      const body = encode({
        generation: { temperature: 0 },
        providerOptions: {
          gemini: {
            safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
            cachedContent: 'cachedContents/abc',
            labels: { team: 'a' },
            extraGenerationConfig: { temperature: 1, mediaResolution: 'MEDIA_RESOLUTION_LOW' },
          },
        },
      });
      expect(body.generationConfig).toStrictEqual({ temperature: 0, mediaResolution: 'MEDIA_RESOLUTION_LOW' });
      expect(body.safetySettings).toStrictEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
      expect(body.cachedContent).toBe('cachedContents/abc');
      expect(body.labels).toStrictEqual({ team: 'a' });
    });
  });

  it('drops empty text parts and the turns they leave empty', () => {
    const body = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: '' }] },
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'again' }] },
      ],
    });
    expect(body.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'user', parts: [{ text: 'again' }] },
    ]);
  });
});
