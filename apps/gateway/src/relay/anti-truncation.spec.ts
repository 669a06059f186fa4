import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '../protocols/ir/chat-stream-part.js';
import { TRUNCATED_STREAM_ERROR } from '../protocols/gemini/gemini-upstream-stream-decoder.js';
import { AntiTruncationStage, continuationRequest, withMarkerInstruction } from './anti-truncation.js';

const usage = (n: number) => ({ inputTokens: n, outputTokens: n, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 2 * n });
const text = (delta: string): ChatStreamPart => ({ type: 'text-delta', delta });
const stop: ChatStreamPart = { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } };

function run(stage: AntiTruncationStage, parts: ChatStreamPart[]): ChatStreamPart[] {
  const out: ChatStreamPart[] = [];
  for (const p of parts) stage.transform(p, (o) => out.push(o));
  return out;
}

describe('AntiTruncationStage', () => {
  it('streams text live, removes a marker split across chunks, and completes', () => {
    const stage = new AntiTruncationStage();
    const out = run(stage, [text('Hello wor'), text('ld.\n[do'), text('ne]'), { type: 'usage', usage: usage(3) }, stop]);
    expect(out).toEqual([text('Hello wor'), text('ld.')]);
    expect(stage.endAttempt()).toBe(true);
    const end: ChatStreamPart[] = [];
    stage.finish((p) => end.push(p), true);
    expect(end).toEqual([{ type: 'usage', usage: usage(3) }, stop]);
  });

  it('asks for a continuation when the answer stopped without the marker, then sums usage', () => {
    const stage = new AntiTruncationStage();
    // trailing whitespace waits for the next chunk (it could precede the marker)
    expect(run(stage, [text('Part one, '), { type: 'usage', usage: usage(2) }, stop])).toEqual([text('Part one,')]);
    expect(stage.endAttempt()).toBe(false);
    expect(stage.emittedText()).toBe('Part one, ');
    expect(run(stage, [text('part two.[DONE]'), { type: 'usage', usage: usage(5) }, stop])).toEqual([text(' part two.')]);
    expect(stage.endAttempt()).toBe(true);
    const end: ChatStreamPart[] = [];
    stage.finish((p) => end.push(p), true);
    expect(end).toEqual([{ type: 'usage', usage: usage(7) }, stop]);
    expect(stage.attempts).toBe(2);
  });

  it('treats a cut stream as truncated, and a tool-call turn as complete', () => {
    const cut = new AntiTruncationStage();
    run(cut, [text('half'), { type: 'error', error: TRUNCATED_STREAM_ERROR }]);
    expect(cut.endAttempt()).toBe(false);

    const tools = new AntiTruncationStage();
    run(tools, [{ type: 'tool-call', toolCallId: 'c', toolName: 'f', input: {} }, stop]);
    expect(tools.endAttempt()).toBe(true);
    const end: ChatStreamPart[] = [];
    tools.finish((p) => end.push(p), true);
    expect(end.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } });
  });

  it('does not continue a max-tokens stop, and reports truncation when attempts run out', () => {
    const length = new AntiTruncationStage();
    run(length, [text('x'), { type: 'finish', finishReason: { unified: 'length', raw: 'MAX_TOKENS' } }]);
    expect(length.endAttempt()).toBe(true);

    const exhausted = new AntiTruncationStage();
    run(exhausted, [text('x'), { type: 'error', error: TRUNCATED_STREAM_ERROR }]);
    expect(exhausted.endAttempt()).toBe(false);
    const end: ChatStreamPart[] = [];
    exhausted.finish((p) => end.push(p), false);
    expect(end.at(-1)).toEqual({ type: 'error', error: TRUNCATED_STREAM_ERROR });
  });

  it('adds only the marker instruction, and continues with a prefilled model turn', () => {
    const request = { model: 'm', system: [], messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: '18岁 story' }] }], tools: [], generation: {}, stream: true };
    const marked = withMarkerInstruction(request);
    expect(marked.messages).toEqual(request.messages);
    expect(marked.system[0]!.text).toContain('[done]');
    expect(withMarkerInstruction(marked)).toBe(marked);
    expect(continuationRequest(marked, 'so far').messages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'so far' }] });
  });
});
