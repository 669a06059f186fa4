import { describe, expect, it } from 'vitest';
import { runStage } from '../ir/stream-stage.js';
import { createSseParser, type SseEvent } from './parse-sse-stream.js';
import { SSE_DONE, SSE_KEEPALIVE, sseData, sseEvent } from './encode-sse.js';

const parse = (chunks: string[]): SseEvent[] => runStage(createSseParser(), chunks);

/** Bytes → text the way the relay does it: a streaming TextDecoder over arbitrary byte slices. */
function decodeInSlices(bytes: Uint8Array, size: number): string[] {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    out.push(decoder.decode(bytes.subarray(offset, offset + size), { stream: true }));
  }
  out.push(decoder.decode());
  return out;
}

describe('createSseParser', () => {
  it('splits events at blank lines', () => {
    expect(parse(['data: a\n\ndata: b\n\n'])).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('accepts CRLF, CR and LF line endings', () => {
    expect(parse(['data: a\r\n\r\ndata: b\r\rdata: c\n\n'])).toEqual([{ data: 'a' }, { data: 'b' }, { data: 'c' }]);
  });

  it('handles a CRLF pair split across chunks (no phantom blank line)', () => {
    expect(parse(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('handles a line split anywhere, including inside the field name', () => {
    expect(parse(['da', 'ta: {"x"', ':1}\n', '\n'])).toEqual([{ data: '{"x":1}' }]);
  });

  it('joins multi-line data with \\n', () => {
    expect(parse(['data: {"a":\ndata: 1}\n\n'])).toEqual([{ data: '{"a":\n1}' }]);
  });

  it('ignores comments, unknown fields and id/retry', () => {
    expect(parse([': keep-alive\n\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('keeps the event name and resets it after dispatch', () => {
    expect(parse(['event: ping\ndata: 1\n\ndata: 2\n\n'])).toEqual([{ event: 'ping', data: '1' }, { data: '2' }]);
  });

  it('strips exactly one space after the colon', () => {
    expect(parse(['data:x\n\ndata:  y\n\ndata\n\n'])).toEqual([{ data: 'x' }, { data: ' y' }, { data: '' }]);
  });

  it('does not dispatch an event without data lines', () => {
    expect(parse(['event: nothing\n\n\n\n'])).toEqual([]);
  });

  it('dispatches the last event at flush when the stream has no trailing blank line', () => {
    expect(parse(['data: a\n\ndata: last'])).toEqual([{ data: 'a' }, { data: 'last' }]);
    expect(parse(['data: last\n'])).toEqual([{ data: 'last' }]);
    expect(parse(['data: last\r'])).toEqual([{ data: 'last' }]);
  });

  it('keeps multi-byte characters split across byte chunks', () => {
    const text = 'data: {"t":"héllo 👋 世界"}\r\n\r\ndata: {"t":"ü"}\n\n';
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 5, 7]) {
      expect(parse(decodeInSlices(bytes, size))).toEqual([{ data: '{"t":"héllo 👋 世界"}' }, { data: '{"t":"ü"}' }]);
    }
  });

  it('gives the same events whatever the chunking', () => {
    const text = ': c\r\nevent: e\r\ndata: 1\r\ndata: 2\r\n\r\ndata: 3\n\n';
    const whole = parse([text]);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });

  it('round-trips what encode-sse writes', () => {
    const written = sseData({ a: 'x\ny' }) + SSE_KEEPALIVE + sseEvent('message_stop', { type: 'message_stop' }) + SSE_DONE;
    expect(parse([written])).toEqual([
      { data: '{"a":"x\\ny"}' },
      { event: 'message_stop', data: '{"type":"message_stop"}' },
      { data: '[DONE]' },
    ]);
  });
});
