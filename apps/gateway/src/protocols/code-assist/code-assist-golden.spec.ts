/**
 * Golden replays: recorded-shape Code Assist SSE transcripts (__fixtures__) run through the real
 * pipeline — bytes → streaming TextDecoder → SSE parser → envelope unwrapper → Gemini decoder —
 * and then through each client encoder. The outputs are committed under __golden__ so a reviewer
 * sees every byte a client will receive change in the diff. Regenerate with `vitest run -u`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toGatewayErrorShape } from '../../common/errors/gateway-error.js';
import { accumulateStreamParts } from '../ir/accumulate-stream-parts.js';
import type { ChatStreamPart } from '../ir/chat-stream-part.js';
import { runStage } from '../ir/stream-stage.js';
import { createGeminiUpstreamStreamDecoder } from '../gemini/gemini-upstream-stream-decoder.js';
import { getClientCodec } from '../protocol-registry.js';
import type { ClientProtocolId, EncodeContext } from '../protocol-codec.js';
import { createSseParser } from '../sse/parse-sse-stream.js';
import { createCodeAssistEventUnwrapper } from './code-assist-envelope.js';

/** fixture → the model name the client asked for */
const FIXTURES: Record<string, string> = {
  'text.1': 'gemini-2.5-flash',
  'tool-call.1': 'gemini-2.5-pro',
  'thinking-signature.1': 'gemini-3-pro-preview',
  'image.1': 'gemini-2.5-flash-image',
  'truncated.1': 'gemini-2.5-flash',
  'grounding.1': 'gemini-2.5-flash-search',
};

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

function decodeFixture(name: string): ChatStreamPart[] {
  const bytes = readFileSync(new URL(`./__fixtures__/${name}.sse`, import.meta.url));
  const events = runStage(createSseParser(), chunkBytes(bytes));
  const responses = runStage(createCodeAssistEventUnwrapper(), events);
  let n = 0;
  const decoder = createGeminiUpstreamStreamDecoder({
    includeThoughts: true,
    generateToolCallId: () => `call_golden${String(++n).padStart(3, '0')}`,
  });
  return runStage(decoder, responses);
}

function contextFor(name: string): EncodeContext {
  return { responseId: `golden-${name.replace(/\./g, '-')}`, model: FIXTURES[name]!, created: 1767000000, includeUsage: true };
}

function encodeStream(protocol: ClientProtocolId, parts: ChatStreamPart[], context: EncodeContext): string {
  return runStage(getClientCodec(protocol).createClientStreamEncoder(context), parts).join('');
}

/** Non-streamed answer: fold the parts; a failed answer is the protocol's error body. */
function encodeNonStream(protocol: ClientProtocolId, parts: ChatStreamPart[], context: EncodeContext): string {
  const codec = getClientCodec(protocol);
  let body: unknown;
  try {
    const response = accumulateStreamParts(parts, { id: context.responseId, model: context.model, created: context.created });
    body = codec.encodeClientResponse(response, context);
  } catch (error) {
    body = codec.encodeClientError(toGatewayErrorShape(error));
  }
  return `${JSON.stringify(body, null, 2)}\n`;
}

describe('Code Assist golden transcripts', () => {
  for (const name of Object.keys(FIXTURES)) {
    describe(name, () => {
      const parts = decodeFixture(name);
      const context = contextFor(name);

      it('decodes to IR parts', async () => {
        await expect(`${JSON.stringify(parts, null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.ir.json`);
      });

      it('streams as OpenAI chat', async () => {
        await expect(encodeStream('openai-chat', parts, context)).toMatchFileSnapshot(
          `./__golden__/${name}.as-openai-chat.sse`,
        );
      });

      it('answers as OpenAI chat (non-stream)', async () => {
        await expect(encodeNonStream('openai-chat', parts, context)).toMatchFileSnapshot(
          `./__golden__/${name}.as-openai-chat.json`,
        );
      });

      it('streams as Gemini', async () => {
        await expect(encodeStream('gemini', parts, context)).toMatchFileSnapshot(`./__golden__/${name}.as-gemini.sse`);
      });

      it('answers as Gemini (non-stream)', async () => {
        await expect(encodeNonStream('gemini', parts, context)).toMatchFileSnapshot(`./__golden__/${name}.as-gemini.json`);
      });

      it('streams as Anthropic Messages', async () => {
        await expect(encodeStream('anthropic-messages', parts, context)).toMatchFileSnapshot(
          `./__golden__/${name}.as-anthropic-messages.sse`,
        );
      });

      it('answers as Anthropic Messages (non-stream)', async () => {
        await expect(encodeNonStream('anthropic-messages', parts, context)).toMatchFileSnapshot(
          `./__golden__/${name}.as-anthropic-messages.json`,
        );
      });

      it('streams as OpenAI Responses', async () => {
        await expect(encodeStream('openai-responses', parts, context)).toMatchFileSnapshot(
          `./__golden__/${name}.as-openai-responses.sse`,
        );
      });

      it('answers as OpenAI Responses (non-stream)', async () => {
        await expect(encodeNonStream('openai-responses', parts, context)).toMatchFileSnapshot(
          `./__golden__/${name}.as-openai-responses.json`,
        );
      });

      it('ends with exactly one terminal part', () => {
        const terminal = parts.filter((p) => p.type === 'finish' || p.type === 'error');
        expect(terminal).toHaveLength(1);
        expect(parts[parts.length - 1]).toBe(terminal[0]);
        expect(terminal[0]!.type).toBe(name.startsWith('truncated') ? 'error' : 'finish');
      });

      it('is independent of network chunking', () => {
        const bytes = readFileSync(new URL(`./__fixtures__/${name}.sse`, import.meta.url));
        const whole = runStage(createSseParser(), [bytes.toString('utf8')]);
        const bytewise = runStage(createSseParser(), chunkBytes(bytes, 1));
        expect(bytewise).toEqual(whole);
      });
    });
  }
});
