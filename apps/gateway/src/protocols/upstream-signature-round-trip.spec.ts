/**
 * Signatures must survive the whole loop, or multi-turn tool use with thinking breaks upstream
 * (Anthropic verifies thinking signatures; Codex with `store: false` needs its encrypted reasoning
 * back): a recorded-shape upstream answer → its decoder → the IR answer → each client protocol
 * that has a field for signatures (Anthropic `thinking.signature`, Responses
 * `reasoning.encrypted_content`, Gemini `thoughtSignature`) → the client's next request, decoded →
 * the upstream request again, which must carry every signature exactly where the upstream put it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnthropicMessagesUpstreamRequest } from './anthropic-messages/anthropic-messages-upstream-wire.js';
import { redactedThinkingSignature } from './anthropic-messages/anthropic-messages-upstream-wire.js';
import type { AnthropicMessage } from './anthropic-messages/anthropic-messages-wire.js';
import type { GeminiGenerateContentResponse } from './gemini/gemini-wire.js';
import { accumulateStreamParts } from './ir/accumulate-stream-parts.js';
import type { ChatRequest } from './ir/chat-request.js';
import type { ChatResponse } from './ir/chat-response.js';
import { runStage } from './ir/stream-stage.js';
import type { ResponsesUpstreamRequest } from './openai-responses/openai-responses-upstream-wire.js';
import type { ResponsesResponse } from './openai-responses/openai-responses-wire.js';
import { getClientCodec } from './protocol-registry.js';
import type { ClientProtocolId, EncodeContext } from './protocol-codec.js';
import { createSseParser } from './sse/parse-sse-stream.js';
import { createUpstreamSseJsonStage } from './sse/parse-upstream-sse-json.js';
import { getUpstreamCodec, type UpstreamWireId } from './upstream-codecs.js';

const CONTEXT: EncodeContext = { responseId: 'rt', model: 'client-model', created: 1767000000, includeUsage: false };

function answerFrom(wire: UpstreamWireId, fixture: string): ChatResponse {
  const text = readFileSync(new URL(`./${wire}/__fixtures__/upstream/${fixture}.sse`, import.meta.url), 'utf8');
  const payloads = runStage(createUpstreamSseJsonStage(), runStage(createSseParser(), [text]));
  return accumulateStreamParts(runStage(getUpstreamCodec(wire).createStreamDecoder(), payloads), { id: 'x', model: 'x', created: 0 });
}

/** The client's next request: its question, the answer as the client received it, tool results (or a follow-up). */
function nextClientRequest(client: ClientProtocolId, answer: ChatResponse): unknown {
  const body = getClientCodec(client).encodeClientResponse(answer, CONTEXT);
  const calls = answer.content.filter((p) => p.type === 'tool-call');
  switch (client) {
    case 'anthropic-messages':
      return {
        model: 'client-model',
        max_tokens: 20000,
        thinking: { type: 'enabled', budget_tokens: 4096 },
        messages: [
          { role: 'user', content: 'Question?' },
          { role: 'assistant', content: (body as AnthropicMessage).content },
          calls.length > 0
            ? { role: 'user', content: calls.map((c) => ({ type: 'tool_result', tool_use_id: c.toolCallId, content: 'sunny' })) }
            : { role: 'user', content: 'And then?' },
        ],
      };
    case 'openai-responses':
      return {
        model: 'client-model',
        reasoning: { effort: 'medium' },
        input: [
          { role: 'user', content: 'Question?' },
          ...(body as ResponsesResponse).output,
          ...(calls.length > 0
            ? calls.map((c) => ({ type: 'function_call_output', call_id: c.toolCallId, output: 'sunny' }))
            : [{ role: 'user', content: 'And then?' }]),
        ],
      };
    case 'gemini':
      return {
        generationConfig: { thinkingConfig: { thinkingBudget: 4096 } },
        contents: [
          { role: 'user', parts: [{ text: 'Question?' }] },
          (body as GeminiGenerateContentResponse).candidates![0]!.content,
          {
            role: 'user',
            parts: calls.length > 0 ? calls.map((c) => ({ functionResponse: { name: c.toolName, response: { result: 'sunny' } } })) : [{ text: 'And then?' }],
          },
        ],
      };
    default:
      throw new Error(`no request builder for ${client}`);
  }
}

function replayThrough(client: ClientProtocolId, answer: ChatResponse, model: string): ChatRequest {
  const ir = getClientCodec(client).decodeClientRequest(nextClientRequest(client, answer), { pathModel: model }).value;
  return { ...ir, model };
}

const CLIENTS: readonly ClientProtocolId[] = ['anthropic-messages', 'openai-responses', 'gemini'];

/** Gemini function calls carry no ids on the client side: the client decoder mints paired ones. */
const callId = (client: ClientProtocolId, upstreamId: string, n: number): string => (client === 'gemini' ? `call_${n}` : upstreamId);

describe('signatures round-trip: Anthropic upstream', () => {
  const SIGNATURE =
    'EqQBCkgIBxABGAIiQJ4Hv1mQ4w3C2LqK8yTzX0dP5sR2nV7bF1eW9uA6gH3jK0lM8oN4pQ5rS7tU9vX1yZ2aB4cD6eF8gH0iJ2kL4mN6oP8qR0sT2uV4wX6yZ8aBgwQdD5kXjQqkQ1nHGgzE7Yh2';

  it('the IR request carries a signed thinking block to the upstream', () => {
    const body = getUpstreamCodec('anthropic-messages').encodeRequest({
      model: 'claude-sonnet-4-5',
      system: [],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 't', signature: SIGNATURE }, { type: 'text', text: 'a' }] },
        { role: 'user', content: [{ type: 'text', text: 'q2' }] },
      ],
      tools: [],
      generation: {},
      stream: true,
    }).value as AnthropicMessagesUpstreamRequest;
    expect(body.messages[1]!.content[0]).toStrictEqual({ type: 'thinking', thinking: 't', signature: SIGNATURE });
  });

  for (const client of CLIENTS) {
    it(`thinking + tool calls, through ${client}`, () => {
      const answer = answerFrom('anthropic-messages', 'thinking-tool-call.1');
      const ir = replayThrough(client, answer, 'claude-sonnet-4-5');
      const { value, warnings } = getUpstreamCodec('anthropic-messages').encodeRequest(ir);
      const body = value as AnthropicMessagesUpstreamRequest;
      expect(body.messages[1]).toStrictEqual({
        role: 'assistant',
        content: [
          {
            type: 'thinking',
            thinking: 'The user wants the weather in Paris and Tokyo. I can call get_weather once per city.',
            signature: SIGNATURE,
          },
          { type: 'text', text: "I'll check both cities." },
          { type: 'tool_use', id: callId(client, 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', 1), name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
          { type: 'tool_use', id: callId(client, 'toolu_01Vm8wC2pX3yR9nL4kS6tB0q', 2), name: 'get_weather', input: { city: 'Tōkyō', unit: 'celsius' } },
        ],
      });
      // results pair with the calls, and thinking stays on because the tool turn kept its signed block
      expect(body.messages[2]!.content.map((b) => (b.type === 'tool_result' ? b.tool_use_id : b.type))).toStrictEqual([
        callId(client, 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', 1),
        callId(client, 'toolu_01Vm8wC2pX3yR9nL4kS6tB0q', 2),
      ]);
      expect(body.thinking).toMatchObject({ type: 'enabled' });
      expect(warnings.filter((w) => w.includes('thinking'))).toStrictEqual([]);
    });

    it(`redacted thinking, through ${client}`, () => {
      const answer = answerFrom('anthropic-messages', 'redacted-thinking.1');
      expect(answer.content[0]).toStrictEqual({
        type: 'reasoning',
        text: '',
        signature: redactedThinkingSignature(
          'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj2pLmN9z8MqwdFFK8NL',
        ),
      });
      const body = getUpstreamCodec('anthropic-messages').encodeRequest(replayThrough(client, answer, 'claude-3-7-sonnet-20250219'))
        .value as AnthropicMessagesUpstreamRequest;
      expect(body.messages[1]!.content.slice(0, 2)).toStrictEqual([
        {
          type: 'redacted_thinking',
          data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj2pLmN9z8MqwdFFK8NL',
        },
        {
          type: 'thinking',
          thinking: 'Answer briefly.',
          signature: 'ErUBCkYIBxgCIkBb9vL2pO5iW8yT1qA3sE6uD9fG2hJ4kL7mN0pQ3rS5tU8vX1yZ4aC6bE8dF0gH2iJ4kL6mN8oP0qR2sT4uV6wX8yZ0EgzJ7fWk1Tr0Yb5Q',
        },
      ]);
    });
  }
});

describe('signatures round-trip: Codex Responses upstream', () => {
  const fixtureSignature = (answer: ChatResponse): string => {
    const reasoning = answer.content.find((p) => p.type === 'reasoning');
    if (reasoning?.type !== 'reasoning' || reasoning.signature === undefined) throw new Error('no signed reasoning in the fixture');
    return reasoning.signature;
  };

  for (const client of CLIENTS) {
    it(`encrypted reasoning + function calls, through ${client}`, () => {
      const answer = answerFrom('openai-responses', 'tool-call.1');
      const encrypted = fixtureSignature(answer);
      const first = callId(client, 'call_Qw3eR5tY7uI9oP1aS3dF5gH7', 1);
      const second = callId(client, 'call_Zx2cV4bN6mQ8wE0rT2yU4iO6', 2);
      const body = getUpstreamCodec('openai-responses').encodeRequest(replayThrough(client, answer, 'gpt-5.1-codex')).value as ResponsesUpstreamRequest;
      expect(body.input.slice(1)).toStrictEqual([
        { type: 'reasoning', summary: [], encrypted_content: encrypted },
        { type: 'function_call', call_id: first, name: 'shell', arguments: '{"command":["bash","-lc","ls -la"],"workdir":"/work"}' },
        {
          type: 'function_call',
          call_id: second,
          name: 'shell',
          arguments: '{"command":["bash","-lc","cat README.md | head -n 5"],"workdir":"/work"}',
        },
        { type: 'function_call_output', call_id: first, output: client === 'gemini' ? '{"result":"sunny"}' : 'sunny' },
        { type: 'function_call_output', call_id: second, output: client === 'gemini' ? '{"result":"sunny"}' : 'sunny' },
      ]);
    });

    it(`reasoning summary + text, through ${client}`, () => {
      const answer = answerFrom('openai-responses', 'reasoning-text.1');
      const body = getUpstreamCodec('openai-responses').encodeRequest(replayThrough(client, answer, 'gpt-5.1-codex')).value as ResponsesUpstreamRequest;
      expect(body.input[1]).toStrictEqual({
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: '**Comparing decimals**\n\nCompare the tenths digit: 1 < 9.\n\n**Answering**\n\n9.9 is larger.' }],
        encrypted_content: fixtureSignature(answer),
      });
      expect(body.input[2]).toStrictEqual({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: '9.9 is larger than 9.11 — déjà vu 👋' }],
      });
    });
  }
});
