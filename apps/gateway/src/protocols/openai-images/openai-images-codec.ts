/**
 * `POST /v1/images/generations` (OpenAI Images) over image-capable Gemini models: the prompt becomes
 * a user turn asking for IMAGE+TEXT output; `size` ("WxH") becomes the nearest aspect ratio and an
 * image size (1K ≤ 1280 px, 2K ≤ 2560 px, else 4K, as gcli2api does); answers come back as
 * `b64_json` (default) or data URLs. An answer without an image is an error, never an empty list.
 */
import { GatewayError, invalidRequest, type GatewayErrorShape } from '../../common/errors/gateway-error.js';
import type { ChatRequest, ImageOutputRequest } from '../ir/chat-request.js';
import type { ChatResponse } from '../ir/chat-response.js';
import type { ClientProtocolCodec, Converted, DecodeContext, EncodeContext } from '../protocol-codec.js';
import { readOptionalInteger, readOptionalString, readRequiredObject, readRequiredString } from '../json/read-request-field.js';
import { encodeOpenAiChatClientError, encodeOpenAiChatClientStreamError } from '../openai-chat/openai-chat-errors.js';

const RATIOS: ReadonlyArray<[string, number]> = [
  ['1:1', 1],
  ['4:3', 4 / 3],
  ['3:4', 3 / 4],
  ['16:9', 16 / 9],
  ['9:16', 9 / 16],
  ['21:9', 21 / 9],
  ['3:2', 3 / 2],
  ['2:3', 2 / 3],
  ['5:4', 5 / 4],
  ['4:5', 4 / 5],
];

/** "1024x1536" → nearest supported aspect ratio and an image size bucket. */
export function imageOutputForSize(size: string): ImageOutputRequest {
  const match = /^(\d{2,5})x(\d{2,5})$/.exec(size.trim());
  if (!match) throw invalidRequest('size must look like 1024x1024', 'size');
  const width = Number(match[1]);
  const height = Number(match[2]);
  const ratio = width / height;
  let best = RATIOS[0]!;
  for (const candidate of RATIOS) if (Math.abs(Math.log(candidate[1] / ratio)) < Math.abs(Math.log(best[1] / ratio))) best = candidate;
  const longest = Math.max(width, height);
  return { aspectRatio: best[0], imageSize: longest <= 1280 ? '1K' : longest <= 2560 ? '2K' : '4K' };
}

export function decodeOpenAiImagesRequest(body: unknown, _context: DecodeContext): Converted<ChatRequest> {
  const root = readRequiredObject(body, 'body');
  const model = readRequiredString(root.model, 'model');
  const prompt = readRequiredString(root.prompt, 'prompt');
  if (prompt.trim() === '') throw invalidRequest('prompt must not be empty', 'prompt');
  const n = readOptionalInteger(root.n, 'n');
  if (n !== undefined && n !== 1) throw invalidRequest('n must be 1 (one image per request)', 'n');
  const format = readOptionalString(root.response_format, 'response_format');
  if (format !== undefined && format !== 'b64_json' && format !== 'url') throw invalidRequest('response_format must be b64_json or url', 'response_format');
  const size = readOptionalString(root.size, 'size');
  const aspectRatio = readOptionalString(root.aspect_ratio, 'aspect_ratio');
  const imageOutput: ImageOutputRequest = size && size !== 'auto' ? imageOutputForSize(size) : {};
  if (aspectRatio !== undefined) imageOutput.aspectRatio = aspectRatio;
  const request: ChatRequest = {
    model,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    tools: [],
    generation: {},
    responseModalities: ['image', 'text'],
    stream: false,
  };
  if (imageOutput.aspectRatio !== undefined || imageOutput.imageSize !== undefined) request.imageOutput = imageOutput;
  return { value: request, warnings: [] };
}

export function encodeOpenAiImagesResponse(response: ChatResponse, context: EncodeContext) {
  const format = (context.clientRequest as { response_format?: unknown } | undefined)?.response_format === 'url' ? 'url' : 'b64_json';
  const text = response.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('').trim();
  const data = response.content.flatMap((p) =>
    p.type === 'file' && p.data !== undefined && p.mediaType.startsWith('image/')
      ? [format === 'url' ? { url: `data:${p.mediaType};base64,${p.data}` } : { b64_json: p.data, ...(text ? { revised_prompt: text } : {}) }]
      : [],
  );
  if (data.length === 0) {
    throw new GatewayError('upstream_unavailable', `The model returned no image${text ? `; it said: ${text.slice(0, 300)}` : ''}.`);
  }
  return {
    created: context.created,
    data,
    usage: {
      input_tokens: response.usage.inputTokens,
      output_tokens: response.usage.outputTokens,
      total_tokens: response.usage.totalTokens,
    },
  };
}

export const openAiImagesCodec: ClientProtocolCodec = Object.freeze({
  id: 'openai-images' as const,
  decodeClientRequest: decodeOpenAiImagesRequest,
  encodeClientResponse: encodeOpenAiImagesResponse,
  createClientStreamEncoder(): never {
    throw invalidRequest('image generation does not stream');
  },
  encodeClientError: (error: GatewayErrorShape) => encodeOpenAiChatClientError(error),
  encodeClientStreamError: (error: GatewayErrorShape) => encodeOpenAiChatClientStreamError(error),
});
