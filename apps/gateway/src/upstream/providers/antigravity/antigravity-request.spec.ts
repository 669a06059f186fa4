import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../protocols/ir/chat-request.js';
import { encodeGeminiUpstreamRequest } from '../../../protocols/gemini/encode-gemini-upstream-request.js';
import { buildAntigravityEnvelope, isImageModel, prepareAntigravityRequest, sessionIdFor, toolIdsOf } from './antigravity-request.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gemini-3-flash',
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    generation: {},
    stream: false,
    ...overrides,
  };
}

const prepare = (r: ChatRequest, maxOutputTokens: number | null = null) =>
  prepareAntigravityRequest(encodeGeminiUpstreamRequest(r).value, { model: r.model, ...toolIdsOf(r), maxOutputTokens });

describe('Antigravity requests', () => {
  it('wraps agent requests in the envelope with a session id, and image requests without one', () => {
    const agent = buildAntigravityEnvelope({ model: 'gemini-3-flash', project: 'p-1', request: { contents: [] }, sessionId: '-42' });
    expect(Object.keys(agent)).toEqual(['model', 'project', 'requestId', 'userAgent', 'requestType', 'request']);
    expect(agent).toMatchObject({ model: 'gemini-3-flash', project: 'p-1', userAgent: 'antigravity', requestType: 'agent', request: { contents: [], sessionId: '-42' } });
    expect(agent.requestId).toMatch(/^agent-[0-9a-f-]{36}$/);

    const image = buildAntigravityEnvelope({ model: 'gemini-3-pro-image', project: null, request: { contents: [] }, sessionId: '-42', now: 1767000000000 });
    expect(image).not.toHaveProperty('project');
    expect(image.requestType).toBe('image_gen');
    expect(image.requestId).toMatch(/^image_gen\/1767000000000\/[0-9a-f-]{36}\/12$/);
    expect(image.request).toEqual({ contents: [] });

    const search = buildAntigravityEnvelope({ model: 'gemini-3-flash', project: 'p', request: { contents: [], tools: [{ googleSearch: {} }] }, sessionId: '-1' });
    expect(search.requestType).toBe('web_search');
    expect(isImageModel('gemini-3.1-flash-image')).toBe(true);
    expect(isImageModel('gemini-3-flash')).toBe(false);
  });

  it('derives a stable positive int64 session id from the first user text', () => {
    const a = sessionIdFor(request());
    expect(a).toMatch(/^-\d{1,19}$/);
    expect(BigInt(a.slice(1))).toBeLessThanOrEqual(2n ** 63n - 1n);
    const followUp = request({ messages: [...request().messages, { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] }, { role: 'user', content: [{ type: 'text', text: 'More' }] }] });
    expect(sessionIdFor(followUp)).toBe(a);
    expect(sessionIdFor(request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Other' }] }] }))).not.toBe(a);
  });

  it('drops safety settings and caps maxOutputTokens at the listed limit', () => {
    const prepared = prepare(
      request({ generation: { maxOutputTokens: 100_000, temperature: 0.2 }, providerOptions: { gemini: { safetySettings: [{ category: 'x', threshold: 'BLOCK_NONE' }] } } }),
      65_536,
    );
    expect(prepared.safetySettings).toBeUndefined();
    expect(prepared.generationConfig).toEqual({ maxOutputTokens: 65_536, temperature: 0.2 });
    expect(prepared.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(prepare(request({ generation: { maxOutputTokens: 10 } }), 65_536).generationConfig).toEqual({ maxOutputTokens: 10 });
  });

  it('gives image models one candidate and neither system instruction nor tools', () => {
    const prepared = prepare(
      request({
        model: 'gemini-3-pro-image',
        tools: [{ name: 'f', parameters: { type: 'object', properties: {} } }],
        responseModalities: ['text', 'image'],
        imageOutput: { aspectRatio: '16:9', imageSize: '2K' },
      }),
    );
    expect(prepared.systemInstruction).toBeUndefined();
    expect(prepared.tools).toBeUndefined();
    expect(prepared.toolConfig).toBeUndefined();
    expect(prepared.generationConfig).toEqual({ responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' }, candidateCount: 1 });
  });

  it('gives Claude models VALIDATED function calling, parameters schemas and echoed tool call ids', () => {
    const prepared = prepare(
      request({
        model: 'claude-sonnet-4-6',
        tools: [{ name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'read a.txt' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'toolu_1', toolName: 'read_file', input: { path: 'a.txt' } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', toolName: 'read_file', output: 'hello' }] },
        ],
      }),
    );
    expect(prepared.toolConfig).toEqual({ functionCallingConfig: { mode: 'VALIDATED' } });
    const declaration = (prepared.tools as Array<{ functionDeclarations: Array<Record<string, unknown>> }>)[0]!.functionDeclarations[0]!;
    expect(declaration.parametersJsonSchema).toBeUndefined();
    expect(declaration.parameters).toMatchObject({ type: 'object', required: ['path'] });
    const contents = prepared.contents as Array<{ parts: Array<Record<string, any>> }>;
    expect(contents[1]!.parts[0]!.functionCall).toMatchObject({ name: 'read_file', id: 'toolu_1' });
    expect(contents[2]!.parts[0]!.functionResponse).toMatchObject({ name: 'read_file', id: 'toolu_1' });
    // Gemini models keep the schema field the Gemini encoder chose and get no ids
    const gemini = prepare(request({ tools: [{ name: 'f', parameters: { type: 'object', properties: {} } }] }));
    expect((gemini.tools as Array<{ functionDeclarations: Array<Record<string, unknown>> }>)[0]!.functionDeclarations[0]!.parametersJsonSchema).toBeDefined();
    expect(gemini.toolConfig).toBeUndefined();
  });
});
