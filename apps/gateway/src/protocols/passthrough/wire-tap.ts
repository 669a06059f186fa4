import type { GatewayErrorShape } from '../../common/errors/gateway-error.js';
import { anthropicErrorToGatewayError } from '../anthropic-messages/classify-anthropic-upstream-failure.js';
import { convertAnthropicUsage, emptyAnthropicUsageCounters, mergeAnthropicUsage } from '../anthropic-messages/convert-anthropic-messages-usage.js';
import type { Usage } from '../ir/usage.js';
import { asRecord } from '../json/safe-parse-json.js';
import { openAiErrorToGatewayError } from '../openai-chat/classify-openai-upstream-failure.js';
import { convertOpenAiChatUsage } from '../openai-chat/convert-openai-chat-usage.js';
import { convertResponsesUsage } from '../openai-responses/convert-openai-responses-usage.js';
import type { SseEvent } from '../sse/parse-sse-stream.js';

/** The wires whose client protocol and upstream protocol can be the same (no translation). */
export type PassthroughWire = 'openai-chat' | 'anthropic-messages' | 'openai-responses';

/**
 * Reads what the gateway must know from an answer it forwards untranslated: token usage (to charge),
 * whether the answer completed (a stream that stops early is refunded and ended with an error), and
 * an upstream error inside the stream. Events are forwarded as they came; only JSON that can carry
 * usage or an error is parsed.
 */
export interface WireTap {
  /** one upstream SSE event → the frame to forward ('' drops it) */
  event(event: SseEvent): string;
  /** a whole non-streamed answer */
  body(json: unknown): void;
  readonly usage: Usage | null;
  readonly finished: boolean;
  readonly error: GatewayErrorShape | null;
}

export interface WireTapOptions {
  /** OpenAI chat: the gateway asked for `include_usage` itself; drop the usage-only chunk the client did not ask for */
  dropUsageChunk?: boolean;
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const FINISH_REASON = /"finish_reason"\s*:\s*"/;

function frame(event: SseEvent): string {
  const data = event.data.includes('\n') ? event.data.split('\n').map((line) => `data: ${line}`).join('\n') : `data: ${event.data}`;
  return event.event !== undefined ? `event: ${event.event}\n${data}\n\n` : `${data}\n\n`;
}

function parse(data: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(data));
  } catch {
    return undefined;
  }
}

function openAiChatTap(options: WireTapOptions): WireTap {
  const tap = {
    usage: null as Usage | null,
    finished: false,
    error: null as GatewayErrorShape | null,
    event(event: SseEvent): string {
      const data = event.data;
      if (data === '[DONE]') {
        tap.finished = true;
        return frame(event);
      }
      // servers that omit [DONE] still end with a finish reason
      if (!tap.finished && FINISH_REASON.test(data)) tap.finished = true;
      if (event.event === 'error' || data.startsWith('{"error"') || USAGE_OBJECT.test(data)) {
        const chunk = parse(data);
        if (chunk?.['error'] !== undefined) tap.error = openAiErrorToGatewayError(chunk['error']);
        else if (chunk && event.event === 'error') tap.error = openAiErrorToGatewayError(chunk);
        const usage = convertOpenAiChatUsage(chunk?.['usage']);
        if (usage) {
          tap.usage = usage;
          const choices = chunk?.['choices'];
          if (options.dropUsageChunk && Array.isArray(choices) && choices.length === 0) return '';
        }
      }
      return frame(event);
    },
    body(json: unknown): void {
      const record = asRecord(json);
      tap.usage = convertOpenAiChatUsage(record?.['usage']) ?? null;
      tap.finished = true;
    },
  };
  return tap;
}

function anthropicTap(): WireTap {
  const counters = emptyAnthropicUsageCounters();
  const tap = {
    usage: null as Usage | null,
    finished: false,
    error: null as GatewayErrorShape | null,
    event(event: SseEvent): string {
      const type = event.event;
      if (type === 'message_start' || type === 'message_delta' || type === 'error') {
        const payload = parse(event.data);
        if (type === 'error') tap.error = anthropicErrorToGatewayError(payload);
        else {
          const usage = type === 'message_start' ? asRecord(payload?.['message'])?.['usage'] : payload?.['usage'];
          if (mergeAnthropicUsage(counters, usage)) tap.usage = convertAnthropicUsage(counters);
        }
      } else if (type === 'message_stop') tap.finished = true;
      return frame(event);
    },
    body(json: unknown): void {
      if (mergeAnthropicUsage(counters, asRecord(json)?.['usage'])) tap.usage = convertAnthropicUsage(counters);
      tap.finished = true;
    },
  };
  return tap;
}

const RESPONSES_TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function responsesTap(): WireTap {
  const tap = {
    usage: null as Usage | null,
    finished: false,
    error: null as GatewayErrorShape | null,
    event(event: SseEvent): string {
      const type = event.event;
      if (type !== undefined && (RESPONSES_TERMINAL.has(type) || type === 'error')) {
        const payload = parse(event.data);
        if (type === 'error') tap.error = openAiErrorToGatewayError(payload);
        else {
          const response = asRecord(payload?.['response']);
          tap.usage = convertResponsesUsage(response?.['usage']) ?? tap.usage;
          if (type === 'response.failed') tap.error = openAiErrorToGatewayError(response?.['error']);
          tap.finished = true;
        }
      }
      return frame(event);
    },
    body(json: unknown): void {
      tap.usage = convertResponsesUsage(asRecord(json)?.['usage']) ?? null;
      tap.finished = true;
    },
  };
  return tap;
}

export function createWireTap(wire: PassthroughWire, options: WireTapOptions = {}): WireTap {
  switch (wire) {
    case 'openai-chat':
      return openAiChatTap(options);
    case 'anthropic-messages':
      return anthropicTap();
    case 'openai-responses':
      return responsesTap();
  }
}
