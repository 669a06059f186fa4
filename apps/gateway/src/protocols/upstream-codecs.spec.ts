import { describe, expect, it } from 'vitest';
import { classifyUpstreamFailure } from '../common/errors/classify-upstream-failure.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { decodeGeminiUpstreamResponse } from './gemini/decode-gemini-upstream-response.js';
import { encodeGeminiUpstreamRequest } from './gemini/encode-gemini-upstream-request.js';
import { createGeminiUpstreamStreamDecoder } from './gemini/gemini-upstream-stream-decoder.js';
import type { ChatRequest } from './ir/chat-request.js';
import { runStage } from './ir/stream-stage.js';
import { upstreamToolName } from './ir/upstream-tool-names.js';
import { getUpstreamCodec, UPSTREAM_WIRE_IDS, type UpstreamWireId } from './upstream-codecs.js';

const request: ChatRequest = {
  model: 'model-x',
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  tools: [],
  generation: { temperature: 0 },
  stream: true,
};

const defaults = { id: 'd', model: 'm', created: 1 };
const NOW = Date.parse('2026-11-21T10:00:00Z');

describe('upstream codec index', () => {
  it('registers the four wires under their ids', () => {
    expect(UPSTREAM_WIRE_IDS).toStrictEqual(['gemini', 'openai-chat', 'anthropic-messages', 'openai-responses']);
    for (const id of UPSTREAM_WIRE_IDS) expect(getUpstreamCodec(id).id).toBe(id);
    expect(() => getUpstreamCodec('soap' as UpstreamWireId)).toThrow(GatewayError);
  });

  it('routes each wire its own namespaced encode options', () => {
    const options = {
      gemini: { compatibilityMode: true },
      openaiChat: { systemRole: 'developer' as const },
      anthropicMessages: { defaultMaxTokens: 777 },
      openaiResponses: { target: 'openai' as const },
    };
    expect(getUpstreamCodec('gemini').encodeRequest(request, options).value).toStrictEqual(
      encodeGeminiUpstreamRequest(request, { compatibilityMode: true }).value,
    );
    expect(getUpstreamCodec('openai-chat').encodeRequest(request, options).value).toMatchObject({
      messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
      temperature: 0,
      stream: true,
    });
    expect(getUpstreamCodec('anthropic-messages').encodeRequest(request, options).value).toMatchObject({ max_tokens: 777, temperature: 0, stream: true });
    expect(getUpstreamCodec('openai-responses').encodeRequest(request, options).value).toMatchObject({ instructions: 'Be brief.', temperature: 0, stream: true });
    expect(getUpstreamCodec('openai-responses').encodeRequest(request).value).not.toHaveProperty('temperature');
  });

  it('wraps the Gemini upstream functions unchanged', () => {
    const chunk = {
      responseId: 'r',
      candidates: [{ content: { role: 'model', parts: [{ text: 'x', thought: true }, { functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' }],
    };
    const ids = () => {
      let n = 0;
      return () => `id${++n}`;
    };
    expect(runStage(getUpstreamCodec('gemini').createStreamDecoder({ generateToolCallId: ids() }), [chunk])).toStrictEqual(
      runStage(createGeminiUpstreamStreamDecoder({ includeThoughts: true, generateToolCallId: ids() }), [chunk]),
    );
    expect(runStage(getUpstreamCodec('gemini').createStreamDecoder({ includeThoughts: false, generateToolCallId: ids() }), [chunk])).toStrictEqual(
      runStage(createGeminiUpstreamStreamDecoder({ includeThoughts: false, generateToolCallId: ids() }), [chunk]),
    );
    expect(getUpstreamCodec('gemini').decodeResponse(chunk, defaults, { generateToolCallId: ids() })).toStrictEqual(
      decodeGeminiUpstreamResponse(chunk, { includeThoughts: true, generateToolCallId: ids() }, defaults),
    );
    const quota = { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } };
    expect(getUpstreamCodec('gemini').classifyFailure(429, quota, { 'retry-after': '5' }, NOW)).toStrictEqual(classifyUpstreamFailure(429, quota, NOW));
  });

  it("decodes each wire's non-streamed answer", () => {
    expect(
      getUpstreamCodec('openai-chat').decodeResponse({ choices: [{ index: 0, message: { content: 'a' }, finish_reason: 'stop' }] }, defaults).content,
    ).toStrictEqual([{ type: 'text', text: 'a' }]);
    expect(
      getUpstreamCodec('anthropic-messages').decodeResponse(
        { type: 'message', id: 'msg', model: 'claude', content: [{ type: 'text', text: 'b' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
        defaults,
      ).content,
    ).toStrictEqual([{ type: 'text', text: 'b' }]);
    expect(
      getUpstreamCodec('openai-responses').decodeResponse(
        { object: 'response', id: 'resp', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'c' }] }] },
        defaults,
      ).content,
    ).toStrictEqual([{ type: 'text', text: 'c' }]);
  });

  it("classifies each wire's failures with its own rules and headers", () => {
    expect(getUpstreamCodec('openai-chat').classifyFailure(429, {}, { 'retry-after': '5' }, NOW)).toMatchObject({ kind: 'throttled', until: NOW + 5000 });
    expect(getUpstreamCodec('anthropic-messages').classifyFailure(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toStrictEqual({
      kind: 'unavailable',
      message: 'Overloaded',
    });
    expect(getUpstreamCodec('openai-responses').classifyFailure(429, { error: { type: 'usage_limit_reached', resets_in_seconds: 60 } }, undefined, NOW)).toMatchObject({
      kind: 'throttled',
      until: NOW + 60_000,
      reason: 'USAGE_LIMIT_REACHED',
    });
  });

  describe('tool names beyond the upstream limit round-trip as aliases', () => {
    const LONG = 'mcp__claude_in_chrome_browser_automation__computer_use_take_screenshot_of_tab';
    const alias = upstreamToolName(LONG);
    const withTool: ChatRequest = {
      ...request,
      tools: [{ name: LONG, parameters: { type: 'object' } }],
      toolChoice: { type: 'tool', toolName: LONG },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_0', toolName: LONG, input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_0', toolName: LONG, output: 'ok' }] },
      ],
    };
    const answers: Record<Exclude<UpstreamWireId, 'gemini'>, unknown[]> = {
      'openai-chat': [
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: alias, arguments: '{}' } }] }, finish_reason: 'tool_calls' }] },
      ],
      'anthropic-messages': [
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: alias, input: {} } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' } },
        { type: 'message_stop' },
      ],
      'openai-responses': [
        { type: 'response.output_item.done', output_index: 0, item: { type: 'function_call', call_id: 'call_1', name: alias, arguments: '{}' } },
        { type: 'response.completed', response: { status: 'completed' } },
      ],
    };

    for (const wire of ['openai-chat', 'anthropic-messages', 'openai-responses'] as const) {
      it(wire, () => {
        const body = JSON.stringify(getUpstreamCodec(wire).encodeRequest(withTool).value);
        expect(body).not.toContain(LONG);
        expect(body.split(alias).length - 1).toBe(3); // tool definition, tool choice, history call
        const parts = runStage(getUpstreamCodec(wire).createStreamDecoder({ toolNames: [LONG] }), answers[wire]);
        expect(parts.find((p) => p.type === 'tool-call')).toMatchObject({ toolName: LONG });
      });
    }
  });
});
