import { describe, expect, it } from 'vitest';
import { createWireTap } from './wire-tap.js';

const chunk = (content: string, finish: string | null = null) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }], usage: null });

describe('createWireTap', () => {
  it('OpenAI chat: forwards events verbatim, reads the usage chunk and drops it when the gateway asked for it', () => {
    const tap = createWireTap('openai-chat', { dropUsageChunk: true });
    expect(tap.event({ data: chunk('Hi') })).toBe(`data: ${chunk('Hi')}\n\n`);
    expect(tap.finished).toBe(false);
    expect(tap.event({ data: chunk('', 'stop') })).toContain('"finish_reason":"stop"');
    const usage = JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, completion_tokens_details: { reasoning_tokens: 2 } } });
    expect(tap.event({ data: usage })).toBe('');
    expect(tap.event({ data: '[DONE]' })).toBe('data: [DONE]\n\n');
    expect(tap.usage).toEqual({ inputTokens: 5, outputTokens: 7, reasoningTokens: 2, cachedInputTokens: 0, totalTokens: 12 });
    expect(tap.finished).toBe(true);
    expect(tap.error).toBeNull();
  });

  it('OpenAI chat: keeps the usage chunk for a client that asked, and reports an error chunk', () => {
    const tap = createWireTap('openai-chat');
    const usage = JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } });
    expect(tap.event({ data: usage })).toBe(`data: ${usage}\n\n`);
    tap.event({ data: JSON.stringify({ error: { message: 'boom', code: 502 } }) });
    expect(tap.error).toMatchObject({ code: 'upstream_unavailable' });
    expect(tap.finished).toBe(false);
  });

  it('Anthropic: usage from message_start and message_delta, completion at message_stop, error events', () => {
    const tap = createWireTap('anthropic-messages');
    const start = JSON.stringify({ type: 'message_start', message: { id: 'msg', usage: { input_tokens: 10, cache_read_input_tokens: 4, output_tokens: 1 } } });
    expect(tap.event({ event: 'message_start', data: start })).toBe(`event: message_start\ndata: ${start}\n\n`);
    tap.event({ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}' });
    tap.event({ event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }) });
    expect(tap.finished).toBe(false);
    tap.event({ event: 'message_stop', data: '{"type":"message_stop"}' });
    expect(tap.finished).toBe(true);
    expect(tap.usage).toEqual({ inputTokens: 14, outputTokens: 9, reasoningTokens: 0, cachedInputTokens: 4, totalTokens: 23 });
    const failing = createWireTap('anthropic-messages');
    failing.event({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) });
    expect(failing.error).not.toBeNull();
  });

  it('Responses: usage and completion from response.completed; response.failed is an error', () => {
    const tap = createWireTap('openai-responses');
    tap.event({ event: 'response.created', data: '{"type":"response.created","response":{"id":"r"}}' });
    tap.event({ event: 'response.completed', data: JSON.stringify({ type: 'response.completed', response: { id: 'r', usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } } }) });
    expect(tap.finished).toBe(true);
    expect(tap.usage).toMatchObject({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    const failed = createWireTap('openai-responses');
    failed.event({ event: 'response.failed', data: JSON.stringify({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'x' } } }) });
    expect(failed.error).not.toBeNull();
  });

  it('non-streamed bodies: usage read, multi-line data re-framed line by line', () => {
    const tap = createWireTap('openai-chat');
    tap.body({ usage: { prompt_tokens: 2, completion_tokens: 3 } });
    expect(tap.usage?.totalTokens).toBe(5);
    expect(createWireTap('openai-chat').event({ data: 'a\nb' })).toBe('data: a\ndata: b\n\n');
  });
});
