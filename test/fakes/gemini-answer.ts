/**
 * The deterministic Gemini-shaped answer shared by fake-ai-studio.ts and fake-antigravity.ts
 * (fake-google.ts has its own copy for Code Assist). Same conventions as fake-google:
 *
 * - text `Hello from <who> (<model>): <last user text>`;
 * - declared tools and "call <tool> {json}" in the last user text → functionCall part(s);
 * - a functionResponse in the last user turn → `Tool said: <json>`;
 * - a model name containing "image" → caption text (omitted when responseModalities is exactly
 *   ["IMAGE"]) plus a 1x1 PNG inlineData part; the caption names the imageConfig it received;
 * - includeThoughts → a leading thought part `Thinking about it`.
 *
 * Two signing styles: `gemini` (the first functionCall and, with thoughts, the first answer part carry
 * a thoughtSignature) and `claude` (Claude models served through Antigravity: the thought part carries
 * the signature and every functionCall gets an `id`, as CLIProxyAPI's antigravity translator expects).
 */
import type { GeminiContent, GeminiPart, UsageMetadata } from './fake-google.js';
import { isRecord, randomId, splitText, tokensFor, findToolCalls, TINY_PNG_BASE64 } from './fake-http.js';

export type { GeminiContent, GeminiPart, UsageMetadata };

/** One Gemini API `GenerateContentResponse` (the object inside Code Assist's `response`). */
export interface GeminiResponse {
  candidates: Array<{ content: { role: 'model'; parts: GeminiPart[] }; finishReason?: string; index?: number }>;
  usageMetadata?: UsageMetadata;
  modelVersion: string;
  responseId: string;
  createTime?: string;
  [key: string]: unknown;
}

export interface GeminiAnswer {
  parts: GeminiPart[];
  usage: UsageMetadata;
  /** 'STOP' always for the default answer. */
  finishReason: string;
}

/** Gemini bills one generated image as 1290 output tokens. */
const IMAGE_OUTPUT_TOKENS = 1290;

export function signatureFor(who: string, what: string): string {
  return Buffer.from(`fake-thought-signature:${who}:${what}`).toString('base64');
}

export function textCharsOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + textCharsOf(v), 0);
  if (!isRecord(value)) return 0;
  if (Array.isArray(value.parts)) return textCharsOf(value.parts);
  return typeof value.text === 'string' ? value.text.length : 0;
}

export function computeUsage(parts: GeminiPart[], promptTokens: number): UsageMetadata {
  let candidateChars = 0;
  let thoughtChars = 0;
  let images = 0;
  for (const part of parts) {
    if (typeof part.text === 'string') {
      if (part.thought) thoughtChars += part.text.length;
      else candidateChars += part.text.length;
    }
    if (part.functionCall) candidateChars += JSON.stringify(part.functionCall).length;
    if (part.inlineData) images += 1;
  }
  const textTokens = candidateChars > 0 || images === 0 ? tokensFor(candidateChars) : 0;
  const usage: UsageMetadata = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: textTokens + images * IMAGE_OUTPUT_TOKENS,
  };
  if (thoughtChars > 0) usage.thoughtsTokenCount = tokensFor(thoughtChars);
  usage.totalTokenCount = usage.promptTokenCount! + usage.candidatesTokenCount! + (usage.thoughtsTokenCount ?? 0);
  usage.promptTokensDetails = [{ modality: 'TEXT', tokenCount: promptTokens }];
  if (images > 0) {
    usage.candidatesTokensDetails = [
      ...(textTokens > 0 ? [{ modality: 'TEXT', tokenCount: textTokens }] : []),
      { modality: 'IMAGE', tokenCount: images * IMAGE_OUTPUT_TOKENS },
    ];
  }
  return usage;
}

function declaredFunctions(request: Record<string, unknown>): Set<string> {
  const declared = new Set<string>();
  if (!Array.isArray(request.tools)) return declared;
  for (const tool of request.tools) {
    if (!isRecord(tool)) continue;
    const decls = Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : tool.function_declarations;
    if (!Array.isArray(decls)) continue;
    for (const decl of decls) if (isRecord(decl) && typeof decl.name === 'string') declared.add(decl.name);
  }
  return declared;
}

function imageConfigNote(request: Record<string, unknown>): string {
  const config = isRecord(request.generationConfig) ? request.generationConfig : {};
  const image = isRecord(config.imageConfig) ? config.imageConfig : undefined;
  if (!image) return '';
  const bits: string[] = [];
  if (typeof image.aspectRatio === 'string') bits.push(`aspectRatio=${image.aspectRatio}`);
  if (typeof image.imageSize === 'string') bits.push(`imageSize=${image.imageSize}`);
  return bits.length > 0 ? ` [${bits.join(' ')}]` : '';
}

function imageOnly(request: Record<string, unknown>): boolean {
  const config = isRecord(request.generationConfig) ? request.generationConfig : {};
  const modalities = config.responseModalities;
  return Array.isArray(modalities) && modalities.length > 0 && modalities.every((m) => String(m).toUpperCase() === 'IMAGE');
}

function wantsThoughts(request: Record<string, unknown>): boolean {
  const config = isRecord(request.generationConfig) ? request.generationConfig : {};
  const thinking = isRecord(config.thinkingConfig) ? config.thinkingConfig : undefined;
  return thinking?.includeThoughts === true || thinking?.include_thoughts === true;
}

/** The default answer to a Gemini request body (`{contents, tools?, generationConfig?, systemInstruction?}`). */
export function geminiDefaultAnswer(
  who: string,
  model: string,
  request: Record<string, unknown>,
  style: 'gemini' | 'claude' = 'gemini',
): GeminiAnswer {
  const contents = (Array.isArray(request.contents) ? request.contents : []) as GeminiContent[];
  const lastUser = [...contents].reverse().find((c) => c.role !== 'model');
  const lastParts = lastUser?.parts ?? [];
  const lastText = [...lastParts].reverse().find((p) => typeof p.text === 'string' && !p.thought)?.text ?? '';
  const responses = lastParts.filter((p) => p.functionResponse);
  const calls = responses.length === 0 ? findToolCalls(lastText, declaredFunctions(request)) : [];

  let parts: GeminiPart[];
  if (responses.length > 0) {
    parts = [{ text: responses.map((p) => `Tool said: ${JSON.stringify(p.functionResponse!.response)}`).join('\n') }];
  } else if (calls.length > 0) {
    parts = calls.map(({ name, args }) => {
      const functionCall: NonNullable<GeminiPart['functionCall']> = { name, args };
      if (style === 'claude') functionCall.id = `toolu_fake_${randomId(9)}`;
      return { functionCall };
    });
    if (style === 'gemini') parts[0]!.thoughtSignature = signatureFor(who, calls[0]!.name);
  } else if (model.includes('image')) {
    const image: GeminiPart = { inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } };
    parts = imageOnly(request)
      ? [image]
      : [{ text: `Hello from ${who} (${model}): ${lastText}${imageConfigNote(request)}` }, image];
  } else {
    parts = [{ text: `Hello from ${who} (${model}): ${lastText}` }];
  }
  if (wantsThoughts(request)) {
    const thought: GeminiPart = { text: 'Thinking about it', thought: true };
    if (style === 'claude') thought.thoughtSignature = signatureFor(who, 'thinking');
    else if (!parts[0]!.thoughtSignature) parts[0] = { ...parts[0]!, thoughtSignature: signatureFor(who, 'text') };
    parts.unshift(thought);
  }
  const promptTokens = tokensFor(textCharsOf(contents) + textCharsOf(request.systemInstruction ?? request.system_instruction));
  return { parts, usage: computeUsage(parts, promptTokens), finishReason: 'STOP' };
}

/** A complete (non-streaming) Gemini response. */
export function geminiResponse(
  parts: GeminiPart[],
  opts: { model: string; usage?: UsageMetadata; finishReason?: string | null; responseId?: string; createTime?: string },
): GeminiResponse {
  const finishReason = opts.finishReason === undefined ? 'STOP' : opts.finishReason;
  const candidate: GeminiResponse['candidates'][number] = { content: { role: 'model', parts }, index: 0 };
  if (finishReason !== null) candidate.finishReason = finishReason;
  const response: GeminiResponse = { candidates: [candidate], modelVersion: opts.model, responseId: opts.responseId ?? randomId(16) };
  if (opts.usage) response.usageMetadata = opts.usage;
  if (opts.createTime) response.createTime = opts.createTime;
  // Key order as Gemini sends it: candidates, usageMetadata, modelVersion, responseId.
  const { candidates, usageMetadata, modelVersion, responseId, ...rest } = response;
  return usageMetadata ? { candidates, usageMetadata, modelVersion, responseId, ...rest } : { candidates, modelVersion, responseId, ...rest };
}

/**
 * An answer as streaming chunks: thought and non-text parts one chunk each, text split into `chunks`
 * deltas (default 3). finishReason on the last chunk. `usageOn: 'every'` repeats a running
 * usageMetadata on every chunk (the Gemini API's habit: counts are cumulative, read the last);
 * `'last'` puts it only on the final chunk.
 */
export function geminiStreamChunks(
  answer: { parts: GeminiPart[]; usage: UsageMetadata; finishReason?: string },
  opts: { model: string; chunks?: number; usageOn?: 'every' | 'last'; responseId?: string; createTime?: string },
): GeminiResponse[] {
  const pieces: GeminiPart[][] = [];
  for (const part of answer.parts) {
    if (typeof part.text === 'string' && !part.thought && part.text.length > 0) {
      splitText(part.text, opts.chunks ?? 3).forEach((piece, i) => {
        const delta: GeminiPart = { text: piece };
        if (i === 0 && part.thoughtSignature) delta.thoughtSignature = part.thoughtSignature;
        pieces.push([delta]);
      });
    } else {
      pieces.push([part]);
    }
  }
  const shared = { model: opts.model, responseId: opts.responseId ?? randomId(16), createTime: opts.createTime };
  const usageOn = opts.usageOn ?? 'every';
  const total = answer.usage;
  let outputSoFar = 0;
  const totalOutput = total.candidatesTokenCount ?? 0;
  return pieces.map((parts, i) => {
    const last = i === pieces.length - 1;
    let usage: UsageMetadata | undefined;
    if (last) usage = total;
    else if (usageOn === 'every') {
      outputSoFar = Math.min(totalOutput, outputSoFar + Math.max(1, Math.floor(totalOutput / pieces.length)));
      usage = {
        promptTokenCount: total.promptTokenCount,
        candidatesTokenCount: outputSoFar,
        totalTokenCount: (total.promptTokenCount ?? 0) + outputSoFar + (total.thoughtsTokenCount ?? 0),
        promptTokensDetails: total.promptTokensDetails,
        ...(total.thoughtsTokenCount !== undefined ? { thoughtsTokenCount: total.thoughtsTokenCount } : {}),
      };
    }
    return geminiResponse(parts, { ...shared, usage, finishReason: last ? (answer.finishReason ?? 'STOP') : null });
  });
}

/** A text answer as streaming chunks (for scripts): `chunks` deltas, STOP and full usage on the last. */
export function geminiTextChunks(text: string, opts: { model?: string; chunks?: number; promptTokens?: number } = {}): GeminiResponse[] {
  const parts: GeminiPart[] = [{ text }];
  return geminiStreamChunks(
    { parts, usage: computeUsage(parts, opts.promptTokens ?? 8) },
    { model: opts.model ?? 'gemini-2.5-flash', chunks: opts.chunks, usageOn: 'last' },
  );
}

/**
 * Gemini 3's rule (as in fake-google): in the active loop (turns after the last user turn holding
 * text), the first functionCall of every model turn must carry a thoughtSignature. Returns the 400
 * message for the first violation, or undefined.
 */
export function findUnsignedFunctionCall(contents: GeminiContent[]): string | undefined {
  let start = 0;
  contents.forEach((c, i) => {
    if (c.role !== 'model' && (c.parts ?? []).some((p) => typeof p.text === 'string')) start = i + 1;
  });
  for (let i = start; i < contents.length; i++) {
    const turn = contents[i]!;
    if (turn.role !== 'model') continue;
    const first = (turn.parts ?? []).find((p) => p.functionCall);
    if (first && !first.thoughtSignature) {
      return (
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, ' +
        'and missing thought_signature may lead to degraded model performance. Additional data, function call ' +
        `\`default_api:${first.functionCall!.name}\` , position ${i + 1}. ` +
        'Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.'
      );
    }
  }
  return undefined;
}
