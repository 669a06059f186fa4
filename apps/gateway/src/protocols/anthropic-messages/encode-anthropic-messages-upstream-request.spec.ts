import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import type { ChatMessage, ChatRequest } from '../ir/chat-request.js';
import { redactedThinkingSignature } from './anthropic-messages-upstream-wire.js';
import { anthropicToolId, encodeAnthropicMessagesUpstreamRequest } from './encode-anthropic-messages-upstream-request.js';
import {
  anthropicEffortForBudget,
  clampAnthropicEffort,
  findAnthropicModelFamily,
  resolveAnthropicGeneration,
} from './resolve-anthropic-thinking.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'claude-sonnet-4-5',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    generation: {},
    stream: false,
    ...overrides,
  };
}

const encode = (overrides: Partial<ChatRequest> = {}, options = {}) => encodeAnthropicMessagesUpstreamRequest(request(overrides), options);

const userText = (text: string): ChatMessage => ({ role: 'user', content: [{ type: 'text', text }] });

describe('encodeAnthropicMessagesUpstreamRequest', () => {
  it('sends a minimal request: the model, max_tokens (required: default 32000 capped by the model) and the turn', () => {
    expect(encode().value).toStrictEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(encode({ model: 'claude-3-5-haiku-20241022' }).value.max_tokens).toBe(8192);
    expect(encode({ model: 'glm-4.6' }).value.max_tokens).toBe(8192);
    expect(encode({}, { defaultMaxTokens: 4096 }).value.max_tokens).toBe(4096);
  });

  describe('parameters', () => {
    it("forwards the client's values, falsy ones included (max_tokens 0, temperature 0, top_k 0, empty stop list)", () => {
      expect(encode({ generation: { maxOutputTokens: 0, temperature: 0, topK: 0, stopSequences: [] } }).value).toMatchObject({
        max_tokens: 0,
        temperature: 0,
        top_k: 0,
        stop_sequences: [],
      });
      expect(encode({ model: 'claude-sonnet-4-20250514', generation: { temperature: 0.5, topP: 0.9, topK: 40, stopSequences: ['END'] } }).value).toMatchObject({
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ['END'],
      });
    });

    it('clamps max_tokens and temperature to what the model accepts (warnings)', () => {
      const { value, warnings } = encode({ generation: { maxOutputTokens: 200000, temperature: 1.5 } });
      expect(value).toMatchObject({ max_tokens: 64000, temperature: 1 });
      expect(warnings).toHaveLength(2);
    });

    it('drops sampling parameters on models that refuse them, and top_p next to temperature on 4.5+ models', () => {
      const opus47 = encode({ model: 'claude-opus-4-7', generation: { temperature: 0.2, topP: 0.9, topK: 5 } });
      expect(opus47.value).not.toHaveProperty('temperature');
      expect(opus47.value).not.toHaveProperty('top_p');
      expect(opus47.value).not.toHaveProperty('top_k');
      expect(opus47.warnings).toHaveLength(1);
      const sonnet45 = encode({ generation: { temperature: 0.2, topP: 0.9 } });
      expect(sonnet45.value).toMatchObject({ temperature: 0.2 });
      expect(sonnet45.value).not.toHaveProperty('top_p');
      expect(encode({ generation: { topP: 0.9 } }).value.top_p).toBe(0.9);
    });

    it('warns about parameters Anthropic has no field for', () => {
      const { value, warnings } = encode({ generation: { seed: 1, presencePenalty: 0, frequencyPenalty: 0, candidateCount: 2, responseLogprobs: true } });
      expect(Object.keys(value)).toStrictEqual(['model', 'max_tokens', 'messages']);
      expect(warnings).toHaveLength(5);
    });

    it('sets stream only when streaming', () => {
      expect(encode({ stream: true }).value.stream).toBe(true);
      expect(encode({ stream: false }).value).not.toHaveProperty('stream');
    });
  });

  describe('content', () => {
    it('sends system parts as text blocks (empty ones skipped) and a later system message as user text', () => {
      const { value } = encode({
        system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: '' }],
        messages: [userText('a'), { role: 'system', content: [{ type: 'text', text: 'Be formal.' }] }, userText('b')],
      });
      expect(value.system).toStrictEqual([{ type: 'text', text: 'Be brief.' }]);
      expect(value.messages).toStrictEqual([
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'Be formal.' }, { type: 'text', text: 'b' }] },
      ]);
      expect(encode({ system: [{ type: 'text', text: '' }] }).value).not.toHaveProperty('system');
    });

    it('sends images, PDFs and plain text documents; refuses other media', () => {
      const { value } = encode({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'file', mediaType: 'image/png', data: 'AAAA' },
              { type: 'file', mediaType: 'image/jpeg', url: 'https://example.com/a.jpg' },
              { type: 'file', mediaType: 'application/pdf', data: 'JVBE' },
              { type: 'file', mediaType: 'text/plain', data: Buffer.from('notes ✓').toString('base64') },
            ],
          },
        ],
      });
      expect(value.messages[0]!.content).toStrictEqual([
        { type: 'text', text: 'Compare' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes ✓' } },
      ]);
      expect(() => encode({ messages: [{ role: 'user', content: [{ type: 'file', mediaType: 'audio/wav', data: 'UklG' }] }] })).toThrow(GatewayError);
    });

    it('replays signed thinking, redacted thinking, text and tool_use in order; drops unsigned reasoning, Gemini signatures and files', () => {
      const { value, warnings } = encode({
        messages: [
          userText('Weather in Paris?'),
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'unsigned thought' },
              { type: 'reasoning', text: '', signature: redactedThinkingSignature('REDACTED==') },
              { type: 'reasoning', text: 'I should call the tool.', signature: 'EqQBsig' },
              { type: 'text', text: 'Checking.', providerMetadata: { gemini: { thoughtSignature: 'G1' } } },
              { type: 'text', text: '' },
              { type: 'tool-call', toolCallId: 'toolu_01', toolName: 'get_weather', input: { city: 'Paris' } },
              { type: 'file', mediaType: 'image/png', data: 'AA' },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_01', toolName: 'get_weather', output: { temp: 21 } }] },
        ],
      });
      expect(value.messages).toStrictEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'redacted_thinking', data: 'REDACTED==' },
            { type: 'thinking', thinking: 'I should call the tool.', signature: 'EqQBsig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"temp":21}' }] },
      ]);
      expect(warnings).toStrictEqual(['an assistant file part cannot be sent to Claude and was dropped']);
    });

    it('merges tool results and the user turn after them into one user turn, results first; keeps is_error and empty output', () => {
      const { value } = encode({
        messages: [
          userText('Read both'),
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', toolCallId: 'a', toolName: 'read', input: { path: '1' } },
              { type: 'tool-call', toolCallId: 'b', toolName: 'read', input: 'not an object' },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'a', toolName: 'read', output: 'ENOENT', isError: true },
              { type: 'tool-result', toolCallId: 'b', toolName: 'read', output: '' },
            ],
          },
          { role: 'user', content: [{ type: 'file', mediaType: 'image/png', data: 'SCREEN' }] },
        ],
      });
      expect(value.messages.slice(1)).toStrictEqual([
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'a', name: 'read', input: { path: '1' } },
            { type: 'tool_use', id: 'b', name: 'read', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'a', content: 'ENOENT', is_error: true },
            { type: 'tool_result', tool_use_id: 'b' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'SCREEN' } },
          ],
        },
      ]);
    });

    it('makes foreign tool ids acceptable, identically on tool_use and tool_result', () => {
      expect(anthropicToolId('toolu_01-Ab')).toBe('toolu_01-Ab');
      expect(anthropicToolId('functions.get_weather:0')).toBe('functions_get_weather_0');
      expect(anthropicToolId('')).toBe('_');
      const { value } = encode({
        messages: [
          userText('x'),
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'fn.a:1', toolName: 'a', input: {} }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'fn.a:1', toolName: 'a', output: 'ok' }] },
        ],
      });
      expect(value.messages[1]!.content[0]).toMatchObject({ id: 'fn_a_1' });
      expect(value.messages[2]!.content[0]).toMatchObject({ tool_use_id: 'fn_a_1' });
    });

    it('trims trailing whitespace off a final assistant prefill', () => {
      const { value } = encode({ messages: [userText('Pick'), { role: 'assistant', content: [{ type: 'text', text: 'The answer is ' }] }] });
      expect(value.messages[1]).toStrictEqual({ role: 'assistant', content: [{ type: 'text', text: 'The answer is' }] });
    });

    it('refuses a request with nothing to send', () => {
      expect(() => encode({ messages: [userText('')] })).toThrow(GatewayError);
    });
  });

  describe('tools', () => {
    it('sends tools with input_schema (type object added when missing), web search, and every tool_choice', () => {
      const { value } = encode({
        tools: [
          { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
          { name: 'now', parameters: { properties: {} } },
        ],
        builtinTools: { googleSearch: true },
        toolChoice: { type: 'auto' },
      });
      expect(value.tools).toStrictEqual([
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'now', input_schema: { type: 'object', properties: {} } },
        { type: 'web_search_20250305', name: 'web_search' },
      ]);
      expect(value.tool_choice).toStrictEqual({ type: 'auto' });
      expect(encode({ toolChoice: { type: 'none' } }).value.tool_choice).toStrictEqual({ type: 'none' });
      expect(encode({ toolChoice: { type: 'required' } }).value.tool_choice).toStrictEqual({ type: 'any' });
      expect(encode({ toolChoice: { type: 'tool', toolName: 'now' } }).value.tool_choice).toStrictEqual({ type: 'tool', name: 'now' });
    });
  });

  describe('thinking', () => {
    it('budget models: enabled with a budget from the effort table; max_tokens grows to leave the answer its room', () => {
      expect(encode({ thinking: { effort: 'high' } }).value).toMatchObject({
        max_tokens: 56576,
        thinking: { type: 'enabled', budget_tokens: 24576 },
      });
      expect(encode({ thinking: { budgetTokens: 2000 } }).value).toMatchObject({ max_tokens: 34000, thinking: { type: 'enabled', budget_tokens: 2000 } });
      expect(encode({ thinking: { effort: 'minimal' } }).value.thinking).toStrictEqual({ type: 'enabled', budget_tokens: 1024 });
      expect(encode({ thinking: { budgetTokens: 10 } }).value.thinking).toStrictEqual({ type: 'enabled', budget_tokens: 1024 });
      expect(encode({ thinking: { effort: 'max' } }).value).toMatchObject({ max_tokens: 64000, thinking: { type: 'enabled', budget_tokens: 62976 } });
    });

    it("budget models: the client's max_tokens caps the budget; thinking is left off when under 1024 would remain", () => {
      expect(encode({ generation: { maxOutputTokens: 16000 }, thinking: { effort: 'high' } }).value).toMatchObject({
        max_tokens: 16000,
        thinking: { type: 'enabled', budget_tokens: 15999 },
      });
      const small = encode({ generation: { maxOutputTokens: 1000 }, thinking: { effort: 'high' } });
      expect(small.value).not.toHaveProperty('thinking');
      expect(small.value.max_tokens).toBe(1000);
      expect(small.warnings).toHaveLength(1);
    });

    it('adaptive models: adaptive + output_config.effort clamped to the model, budgets mapped to efforts', () => {
      expect(encode({ model: 'claude-opus-4-7', thinking: { effort: 'xhigh' } }).value).toMatchObject({
        max_tokens: 32000,
        thinking: { type: 'adaptive' },
        output_config: { effort: 'xhigh' },
      });
      expect(encode({ model: 'claude-opus-4-6', thinking: { effort: 'xhigh' } }).value.output_config).toStrictEqual({ effort: 'max' });
      expect(encode({ model: 'claude-sonnet-4-6', thinking: { effort: 'minimal' } }).value.output_config).toStrictEqual({ effort: 'low' });
      expect(encode({ model: 'claude-sonnet-4-6', thinking: { budgetTokens: 8000 } }).value.output_config).toStrictEqual({ effort: 'medium' });
      const auto = encode({ model: 'claude-opus-5', thinking: { effort: 'auto' } }).value;
      expect(auto.thinking).toStrictEqual({ type: 'adaptive' });
      expect(auto).not.toHaveProperty('output_config');
      expect(encode({ model: 'claude-opus-4-6', thinking: { effort: 'high', includeThoughts: false } }).value.thinking).toStrictEqual({
        type: 'adaptive',
        display: 'omitted',
      });
    });

    it('effort none / budget 0 turn thinking off where the model can', () => {
      expect(encode({ thinking: { effort: 'none' } }).value.thinking).toStrictEqual({ type: 'disabled' });
      expect(encode({ model: 'claude-opus-4-7', thinking: { budgetTokens: 0 } }).value.thinking).toStrictEqual({ type: 'disabled' });
      const mythos = encode({ model: 'claude-mythos-preview', thinking: { effort: 'none' } });
      expect(mythos.value).not.toHaveProperty('thinking');
      expect(mythos.warnings).toHaveLength(1);
      expect(encode({ model: 'claude-3-5-sonnet-20241022', thinking: { effort: 'none' } }).value).not.toHaveProperty('thinking');
    });

    it('a thinking request on a model that does not think is ignored with a warning; no request sends nothing', () => {
      const old = encode({ model: 'claude-3-5-haiku-20241022', thinking: { effort: 'high' } });
      expect(old.value).not.toHaveProperty('thinking');
      expect(old.warnings).toHaveLength(1);
      expect(encode({ thinking: { includeThoughts: true } }).value).not.toHaveProperty('thinking');
      // an Anthropic client's `thinking: {type: "disabled"}` arrives as includeThoughts false: never turns thinking on
      expect(encode({ model: 'claude-opus-4-6', thinking: { includeThoughts: false } }).value).not.toHaveProperty('thinking');
    });

    it('drops temperature ≠ 1, top_k and top_p < 0.95 while thinking', () => {
      const { value, warnings } = encode({ generation: { temperature: 0.3, topK: 10, topP: 0.5 }, thinking: { effort: 'low' } });
      expect(value).not.toHaveProperty('temperature');
      expect(value).not.toHaveProperty('top_k');
      expect(value).not.toHaveProperty('top_p');
      expect(warnings).toHaveLength(3);
      expect(encode({ generation: { temperature: 1, topP: 0.95 }, model: 'claude-sonnet-4-20250514', thinking: { effort: 'low' } }).value).toMatchObject({
        temperature: 1,
        top_p: 0.95,
      });
    });

    it('leaves thinking off when the tool choice forces a tool', () => {
      const { value, warnings } = encode({ toolChoice: { type: 'required' }, thinking: { effort: 'high' } });
      expect(value).not.toHaveProperty('thinking');
      expect(value.tool_choice).toStrictEqual({ type: 'any' });
      expect(warnings).toStrictEqual(['thinking is not allowed when tool_choice forces a tool; thinking was left off']);
    });

    it('leaves thinking off when the last assistant tool turn has no signed thinking block to replay', () => {
      const history = (signed: boolean): ChatMessage[] => [
        userText('Weather?'),
        {
          role: 'assistant',
          content: [
            signed ? { type: 'reasoning', text: 't', signature: 'EqQB' } : { type: 'reasoning', text: 't' },
            { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'w', input: {} },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_1', toolName: 'w', output: 'sunny' }] },
      ];
      const unsigned = encode({ messages: history(false), thinking: { effort: 'high' } });
      expect(unsigned.value).not.toHaveProperty('thinking');
      expect(unsigned.warnings).toHaveLength(1);
      expect(encode({ messages: history(true), thinking: { effort: 'high' } }).value.thinking).toMatchObject({ type: 'enabled' });
    });
  });

  it('maps JSON schemas to output_config.format where supported, with the effort kept', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(encode({ responseFormat: { type: 'json', schema } }).value.output_config).toStrictEqual({ format: { type: 'json_schema', schema } });
    expect(encode({ model: 'claude-opus-4-7', responseFormat: { type: 'json', schema }, thinking: { effort: 'low' } }).value.output_config).toStrictEqual({
      effort: 'low',
      format: { type: 'json_schema', schema },
    });
    expect(encode({ responseFormat: { type: 'json' } }).warnings).toHaveLength(1);
    expect(encode({ model: 'claude-sonnet-4-20250514', responseFormat: { type: 'json', schema } }).value).not.toHaveProperty('output_config');
  });
});

describe('Claude model families', () => {
  it.each([
    ['claude-opus-5', 'claude-5'],
    ['claude-haiku-5-5', 'claude-5'],
    ['claude-opus-4-7', 'claude-opus-4.7+'],
    ['claude-opus-4-8-20260601', 'claude-opus-4.7+'],
    ['claude-mythos-preview', 'claude-mythos-preview'],
    ['claude-opus-4-6', 'claude-4.6'],
    ['claude-sonnet-4-6', 'claude-4.6'],
    ['claude-haiku-4-5-20251001', 'claude-4.5'],
    ['claude-opus-4-5-20251101', 'claude-4.5'],
    ['claude-opus-4-1-20250805', 'claude-opus-4'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
    ['claude-3-5-haiku-20241022', 'claude-3-5'],
    ['claude-3-haiku-20240307', 'claude-3'],
  ])('%s → %s', (model, family) => {
    expect(findAnthropicModelFamily(model)?.id).toBe(family);
  });

  it('knows no family for other models', () => {
    expect(findAnthropicModelFamily('deepseek-chat')).toBeUndefined();
  });

  it('clamps efforts up to the nearest supported level, else to the highest', () => {
    const family46 = findAnthropicModelFamily('claude-opus-4-6')!;
    expect(clampAnthropicEffort(family46, 'xhigh')).toBe('max');
    expect(clampAnthropicEffort(family46, 'low')).toBe('low');
    expect(anthropicEffortForBudget(-1)).toBeUndefined();
    expect(anthropicEffortForBudget(1)).toBe('low');
    expect(anthropicEffortForBudget(30000)).toBe('xhigh');
    expect(anthropicEffortForBudget(100000)).toBe('max');
  });

  it('unknown models get the classic budget form, without a limit clamp', () => {
    const warnings: string[] = [];
    expect(resolveAnthropicGeneration({ model: 'kimi-k2', thinking: { effort: 'medium' }, maxOutputTokens: undefined }, warnings)).toStrictEqual({
      maxTokens: 16384,
      thinking: { type: 'enabled', budget_tokens: 8192 },
    });
    expect(resolveAnthropicGeneration({ model: 'kimi-k2', thinking: undefined, maxOutputTokens: 500000 }, warnings).maxTokens).toBe(500000);
    expect(warnings).toStrictEqual([]);
  });
});
