/**
 * Golden replays of the new upstream wires: recorded-shape SSE transcripts of OpenAI-compatible,
 * Anthropic and Codex Responses streams (`<wire>/__fixtures__/upstream/`) run through the real
 * pipeline — bytes → streaming TextDecoder → SSE parser → JSON stage → the wire's stream decoder
 * (via upstream-codecs.ts) — and then through every client stream encoder. The outputs are
 * committed under `<wire>/__golden__/upstream/` so a reviewer sees every byte a client will receive
 * change in the diff. Regenerate with `vitest run -u`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from './ir/chat-stream-part.js';
import { runStage } from './ir/stream-stage.js';
import { getClientCodec } from './protocol-registry.js';
import type { ClientProtocolId, EncodeContext } from './protocol-codec.js';
import { createSseParser } from './sse/parse-sse-stream.js';
import { createUpstreamSseJsonStage } from './sse/parse-upstream-sse-json.js';
import { getUpstreamCodec, type UpstreamWireId } from './upstream-codecs.js';

interface Fixture {
  wire: UpstreamWireId;
  name: string;
  /** the model name the client asked for */
  model: string;
  terminal: 'finish' | 'error';
}

const FIXTURES: readonly Fixture[] = [
  { wire: 'openai-chat', name: 'text.1', model: 'gpt-4.1-mini', terminal: 'finish' },
  { wire: 'openai-chat', name: 'tool-call.1', model: 'gpt-4.1', terminal: 'finish' },
  { wire: 'openai-chat', name: 'reasoning.1', model: 'deepseek-reasoner', terminal: 'finish' },
  { wire: 'openai-chat', name: 'image.1', model: 'openrouter/gemini-2.5-flash-image', terminal: 'finish' },
  { wire: 'openai-chat', name: 'truncated.1', model: 'gpt-4.1-mini', terminal: 'error' },
  { wire: 'openai-chat', name: 'error.1', model: 'openrouter/claude-sonnet-4.5', terminal: 'error' },
  { wire: 'anthropic-messages', name: 'text.1', model: 'claude-haiku-4-5', terminal: 'finish' },
  { wire: 'anthropic-messages', name: 'thinking-tool-call.1', model: 'claude-sonnet-4-5', terminal: 'finish' },
  { wire: 'anthropic-messages', name: 'redacted-thinking.1', model: 'claude-3-7-sonnet', terminal: 'finish' },
  { wire: 'anthropic-messages', name: 'web-search.1', model: 'claude-sonnet-4-5', terminal: 'finish' },
  { wire: 'anthropic-messages', name: 'truncated.1', model: 'claude-sonnet-4-5', terminal: 'error' },
  { wire: 'anthropic-messages', name: 'overloaded.1', model: 'claude-opus-4-6', terminal: 'error' },
  { wire: 'openai-responses', name: 'reasoning-text.1', model: 'gpt-5.1-codex', terminal: 'finish' },
  { wire: 'openai-responses', name: 'tool-call.1', model: 'gpt-5.1-codex', terminal: 'finish' },
  { wire: 'openai-responses', name: 'incomplete.1', model: 'gpt-4.1-mini', terminal: 'finish' },
  { wire: 'openai-responses', name: 'failed.1', model: 'gpt-5.1-codex', terminal: 'error' },
  { wire: 'openai-responses', name: 'truncated.1', model: 'gpt-5.1-codex', terminal: 'error' },
];

const CLIENTS: readonly ClientProtocolId[] = ['openai-chat', 'anthropic-messages', 'openai-responses', 'gemini'];

/** Network-like chunking: fixed 29-byte slices, so lines, CRLF pairs and UTF-8 characters get split. */
function chunkBytes(bytes: Buffer, size = 29): string[] {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    out.push(decoder.decode(bytes.subarray(offset, offset + size), { stream: true }));
  }
  out.push(decoder.decode());
  return out;
}

function readFixture(fixture: Fixture): Buffer {
  return readFileSync(new URL(`./${fixture.wire}/__fixtures__/upstream/${fixture.name}.sse`, import.meta.url));
}

function decode(fixture: Fixture, size = 29): ChatStreamPart[] {
  const events = runStage(createSseParser(), chunkBytes(readFixture(fixture), size));
  const payloads = runStage(createUpstreamSseJsonStage(), events);
  let n = 0;
  const decoder = getUpstreamCodec(fixture.wire).createStreamDecoder({
    generateToolCallId: () => `call_golden${String(++n).padStart(3, '0')}`,
  });
  return runStage(decoder, payloads);
}

function contextFor(fixture: Fixture): EncodeContext {
  return {
    responseId: `golden-${fixture.wire}-${fixture.name.replace(/\./g, '-')}`,
    model: fixture.model,
    created: 1767000000,
    includeUsage: true,
  };
}

describe('upstream golden transcripts', () => {
  for (const fixture of FIXTURES) {
    describe(`${fixture.wire}/${fixture.name}`, () => {
      const parts = decode(fixture);
      const golden = `./${fixture.wire}/__golden__/upstream/${fixture.name}`;

      it('decodes to IR parts', async () => {
        await expect(`${JSON.stringify(parts, null, 2)}\n`).toMatchFileSnapshot(`${golden}.ir.json`);
      });

      for (const client of CLIENTS) {
        it(`streams as ${client}`, async () => {
          const frames = runStage(getClientCodec(client).createClientStreamEncoder(contextFor(fixture)), parts).join('');
          await expect(frames).toMatchFileSnapshot(`${golden}.as-${client}.sse`);
        });
      }

      it(`ends with exactly one terminal part (${fixture.terminal})`, () => {
        const terminal = parts.filter((p) => p.type === 'finish' || p.type === 'error');
        expect(terminal).toHaveLength(1);
        expect(parts[parts.length - 1]).toBe(terminal[0]);
        expect(terminal[0]!.type).toBe(fixture.terminal);
      });

      it('is independent of network chunking', () => {
        expect(decode(fixture, 1)).toStrictEqual(parts);
        expect(decode(fixture, 4096)).toStrictEqual(parts);
      });
    });
  }
});
