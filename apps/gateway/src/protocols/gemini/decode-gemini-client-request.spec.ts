import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { decodeGeminiClientRequest } from './decode-gemini-client-request.js';
import { encodeGeminiUpstreamRequest } from './encode-gemini-upstream-request.js';

const decode = (body: unknown, context = { pathModel: 'gemini-2.5-pro' }) => decodeGeminiClientRequest(body, context);

function expectInvalid(body: unknown, param: string | undefined, message?: string): void {
  try {
    decode(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
    expect((error as GatewayError).param).toBe(param);
    if (message !== undefined) expect((error as GatewayError).message).toBe(message);
    return;
  }
  throw new Error('expected a GatewayError');
}

describe('decodeGeminiClientRequest', () => {
  it('takes the model from the path and the stream flag from the route', () => {
    const { value } = decodeGeminiClientRequest(
      { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
      { pathModel: 'models/gemini-2.5-flash', pathStream: true },
    );
    expect(value).toStrictEqual({
      model: 'gemini-2.5-flash',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [],
      generation: {},
      stream: true,
    });
  });

  it('decodes a full request', () => {
    const { value, warnings } = decode({
      systemInstruction: { role: 'user', parts: [{ text: 'Be terse.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/jpeg', data: 'QUJD' } }] },
        {
          role: 'model',
          parts: [
            { text: 'hmm', thought: true, thoughtSignature: 'T' },
            { text: 'Checking.' },
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'S' },
          ],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 20 } } }, { text: 'and?' }] },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'd', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } },
            { name: 'raw', parametersJsonSchema: { type: 'object', additionalProperties: false } },
          ],
        },
        { googleSearch: {} },
        { codeExecution: {} },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: {
        temperature: 0,
        topK: 64,
        maxOutputTokens: 100,
        stopSequences: ['x'],
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
        responseModalities: ['TEXT', 'IMAGE'],
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
        imageConfig: { aspectRatio: '1:1' },
        mediaResolution: 'MEDIA_RESOLUTION_LOW',
      },
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/1',
      labels: { a: 'b' },
      somethingNew: true,
    });
    expect(value).toStrictEqual({
      model: 'gemini-2.5-pro',
      system: [{ type: 'text', text: 'Be terse.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'file', mediaType: 'image/jpeg', data: 'QUJD' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'hmm', signature: 'T' },
            { type: 'text', text: 'Checking.' },
            {
              type: 'tool-call',
              toolCallId: 'call_1',
              toolName: 'get_weather',
              input: { city: 'Paris' },
              providerMetadata: { gemini: { thoughtSignature: 'S' } },
            },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { temp: 20 } }] },
        { role: 'user', content: [{ type: 'text', text: 'and?' }] },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'd',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
        { name: 'raw', parameters: { type: 'object', additionalProperties: false } },
      ],
      builtinTools: { googleSearch: true },
      toolChoice: { type: 'tool', toolName: 'get_weather' },
      generation: { temperature: 0, topK: 64, maxOutputTokens: 100, stopSequences: ['x'] },
      responseFormat: { type: 'json', schema: { type: 'object' } },
      responseModalities: ['text', 'image'],
      thinking: { budgetTokens: 1024, includeThoughts: true },
      imageOutput: { aspectRatio: '1:1' },
      stream: false,
      providerOptions: {
        gemini: {
          safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
          cachedContent: 'cachedContents/1',
          labels: { a: 'b' },
          extraGenerationConfig: { mediaResolution: 'MEDIA_RESOLUTION_LOW' },
        },
      },
    });
    expect(warnings).toStrictEqual(['tools[2].codeExecution is not supported and was ignored']);
  });

  it('round-trips through the upstream encoder without losing signatures', () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'q' }] },
        { role: 'model', parts: [{ text: 't', thought: true, thoughtSignature: 'T' }, { functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'S' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
      ],
      generationConfig: { temperature: 0.2 },
    };
    expect(encodeGeminiUpstreamRequest(decode(body).value).value).toStrictEqual(body);
  });

  it('accepts a string systemInstruction and the thinkingLevel form', () => {
    const { value } = decode({
      systemInstruction: 'sys',
      contents: [{ parts: [{ text: 'x' }] }],
      generationConfig: { thinkingConfig: { thinkingLevel: 'high' } },
    });
    expect(value.system).toStrictEqual([{ type: 'text', text: 'sys' }]);
    expect(value.thinking).toStrictEqual({ effort: 'high' });
  });

  it('maps function calling modes', () => {
    const mode = (functionCallingConfig: unknown) =>
      decode({ contents: [{ parts: [{ text: 'x' }] }], toolConfig: { functionCallingConfig } }).value.toolChoice;
    expect(mode({ mode: 'AUTO' })).toStrictEqual({ type: 'auto' });
    expect(mode({ mode: 'NONE' })).toStrictEqual({ type: 'none' });
    expect(mode({ mode: 'ANY' })).toStrictEqual({ type: 'required' });
    expect(mode({})).toBeUndefined();
  });

  it('400s with the field named', () => {
    expectInvalid([], undefined, 'request body must be a JSON object');
    expectInvalid({}, 'contents', 'contents is required');
    expectInvalid({ contents: {} }, 'contents', 'contents must be an array');
    expectInvalid({ contents: [{ role: 'bot', parts: [] }] }, 'contents[0].role');
    expectInvalid({ contents: [{ role: 'user' }] }, 'contents[0].parts', 'contents[0].parts is required');
    expectInvalid({ contents: [{ parts: [{ text: 1 }] }] }, 'contents[0].parts[0].text', 'contents[0].parts[0].text must be a string');
    expectInvalid(
      { contents: [], generationConfig: { temperature: '1' } },
      'generationConfig.temperature',
      'generationConfig.temperature must be a number',
    );
    expectInvalid({ contents: [], generationConfig: { maxOutputTokens: 1.5 } }, 'generationConfig.maxOutputTokens');
    expectInvalid({ contents: [], tools: [{ functionDeclarations: [{}] }] }, 'tools[0].functionDeclarations[0].name');
    expect(() => decodeGeminiClientRequest({ contents: [] }, {})).toThrowError('model is required');
  });
});
