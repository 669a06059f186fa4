import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { runStage } from '../ir/stream-stage.js';
import {
  countTokensBody,
  createCodeAssistEventUnwrapper,
  readCodeAssistCountTokensResponse,
  unwrapCodeAssistResponse,
  wrapCodeAssistRequest,
} from './code-assist-envelope.js';

describe('wrapCodeAssistRequest', () => {
  const request = { contents: [{ role: 'user' as const, parts: [{ text: 'hi' }] }] };

  it('builds the envelope in gemini-cli key order', () => {
    const envelope = wrapCodeAssistRequest({ model: 'gemini-2.5-pro', project: 'proj-1', request, userPromptId: 'p-1', sessionId: 's-1' });
    expect(JSON.stringify(envelope)).toBe(
      '{"model":"gemini-2.5-pro","project":"proj-1","user_prompt_id":"p-1","request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"session_id":"s-1"}}',
    );
    expect(request).not.toHaveProperty('session_id');
  });

  it('omits project when null and keeps the request object as is without a session', () => {
    const envelope = wrapCodeAssistRequest({ model: 'gemini-2.5-flash', project: null, request });
    expect(envelope).toStrictEqual({ model: 'gemini-2.5-flash', request });
    expect(envelope.request).toBe(request);
  });
});

describe('unwrapCodeAssistResponse', () => {
  it('returns .response', () => {
    expect(unwrapCodeAssistResponse({ response: { candidates: [] }, traceId: 't' })).toStrictEqual({ candidates: [] });
  });

  it.each([[{}], [null], ['x'], [{ response: null }], [{ traceId: 't' }]])('%o → upstream_unavailable', (envelope) => {
    try {
      unwrapCodeAssistResponse(envelope);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('upstream_unavailable');
    }
  });
});

describe('createCodeAssistEventUnwrapper', () => {
  it('unwraps events, skips malformed ones, passes Google errors on', () => {
    const out = runStage(createCodeAssistEventUnwrapper(), [
      { data: '{"response":{"candidates":[]},"traceId":"t"}' },
      { data: '{not json' },
      { data: '[1,2]' },
      { data: '{"traceId":"only"}' },
      { data: '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"m"}}' },
    ]);
    expect(out).toStrictEqual([{ candidates: [] }, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'm' } }]);
  });
});

describe('countTokens', () => {
  it('builds the gemini-cli body', () => {
    const contents = [{ role: 'user' as const, parts: [{ text: 'x' }] }];
    expect(countTokensBody('gemini-2.5-pro', contents)).toStrictEqual({ request: { model: 'models/gemini-2.5-pro', contents } });
    expect(countTokensBody('models/gemini-2.5-pro', contents).request.model).toBe('models/gemini-2.5-pro');
  });

  it('reads totalTokens', () => {
    expect(readCodeAssistCountTokensResponse({ totalTokens: 12 })).toBe(12);
    expect(() => readCodeAssistCountTokensResponse({})).toThrowError(GatewayError);
  });
});
