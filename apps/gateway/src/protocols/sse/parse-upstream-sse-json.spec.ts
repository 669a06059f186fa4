import { describe, expect, it } from 'vitest';
import { runStage } from '../ir/stream-stage.js';
import { createUpstreamSseJsonStage, MALFORMED_UPSTREAM_EVENT, parseUpstreamSseData } from './parse-upstream-sse-json.js';

describe('createUpstreamSseJsonStage', () => {
  it('parses data JSON and drops [DONE] and empty data', () => {
    expect(
      runStage(createUpstreamSseJsonStage(), [
        { data: '{"a":1}' },
        { event: 'message_stop', data: '{"type":"message_stop"}' },
        { data: '' },
        { data: '[DONE]' },
      ]),
    ).toStrictEqual([{ a: 1 }, { type: 'message_stop' }]);
  });

  it('turns data that is not JSON into the malformed-event marker', () => {
    expect(parseUpstreamSseData({ data: '{"a":' })).toBe(MALFORMED_UPSTREAM_EVENT);
    expect(parseUpstreamSseData({ data: 'keep-alive' })).toBe(MALFORMED_UPSTREAM_EVENT);
  });
});
