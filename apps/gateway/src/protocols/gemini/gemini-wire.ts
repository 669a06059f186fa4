/**
 * Gemini GenerateContent wire shapes (the `request` / `response` inside the Code Assist envelope,
 * and the body of the Gemini-native client routes).
 *
 * Outbound shapes are exact interfaces built by pure functions. Inbound data is read with the
 * lenient readers at the bottom: they look only at the fields cligate uses, ignore unknown fields
 * and wrong-typed values, and never throw, so a new Google field can never break a live stream.
 */
import type { JsonObject } from '../ir/provider-metadata.js';
import { asRecord, readArray, readNumber, readString } from '../json/safe-parse-json.js';

// ---------------------------------------------------------------------------------------------
// Parts and contents
// ---------------------------------------------------------------------------------------------

export interface GeminiInlineData {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  name: string;
  args?: JsonObject;
  /** sent by some Gemini surfaces; never sent upstream by cligate */
  id?: string;
}

export interface GeminiFunctionResponse {
  name: string;
  response: JsonObject;
  id?: string;
}

export interface GeminiExecutableCode {
  language: string;
  code: string;
}

export interface GeminiCodeExecutionResult {
  outcome: string;
  output?: string;
}

export interface GeminiPart {
  text?: string;
  /** true on thought-summary parts */
  thought?: boolean;
  /** opaque base64 signature; must be replayed on the part that carried it */
  thoughtSignature?: string;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
  executableCode?: GeminiExecutableCode;
  codeExecutionResult?: GeminiCodeExecutionResult;
}

export type GeminiRole = 'user' | 'model';

export interface GeminiContent {
  role: GeminiRole;
  parts: GeminiPart[];
}

/** `systemInstruction` carries only parts (the role is implied). */
export interface GeminiSystemInstruction {
  parts: GeminiPart[];
}

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** a client's JSON Schema, forwarded as JSON Schema (not Google's OpenAPI subset) */
  parametersJsonSchema?: JsonObject;
  /** Google's OpenAPI-subset schema; only read from Gemini clients, never produced */
  parameters?: JsonObject;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: JsonObject;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig: {
    mode: GeminiFunctionCallingMode;
    allowedFunctionNames?: string[];
  };
}

// ---------------------------------------------------------------------------------------------
// Generation config
// ---------------------------------------------------------------------------------------------

export type GeminiThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: token budget; -1 = dynamic, 0 = off (where the model allows it) */
  thinkingBudget?: number;
  /** Gemini 3.x */
  thinkingLevel?: GeminiThinkingLevel;
}

export interface GeminiImageConfig {
  aspectRatio?: string;
  imageSize?: string;
}

export type GeminiModality = 'TEXT' | 'IMAGE' | 'AUDIO';

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: JsonObject;
  responseJsonSchema?: JsonObject;
  responseModalities?: GeminiModality[];
  thinkingConfig?: GeminiThinkingConfig;
  imageConfig?: GeminiImageConfig;
  /** keys the IR does not model (mediaResolution, speechConfig, …), forwarded verbatim */
  [extra: string]: unknown;
}

export interface GeminiSafetySetting {
  category: string;
  threshold: string;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiSystemInstruction;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
  labels?: Record<string, string>;
  /** gemini-cli sends it inside `request`; optional */
  session_id?: string;
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

export interface GeminiGroundingChunk {
  web?: { uri?: string; title?: string };
}

export interface GeminiGroundingMetadata {
  groundingChunks?: GeminiGroundingChunk[];
  webSearchQueries?: string[];
}

export interface GeminiCandidate {
  content?: { role: GeminiRole; parts: GeminiPart[] };
  finishReason?: string;
  index?: number;
  groundingMetadata?: GeminiGroundingMetadata;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

export interface GeminiPromptFeedback {
  blockReason?: string;
  blockReasonMessage?: string;
}

export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  promptFeedback?: GeminiPromptFeedback;
  modelVersion?: string;
  responseId?: string;
  createTime?: string;
}

/** Google RPC error body (`{"error": {...}}`). */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: unknown[];
  };
}

// ---------------------------------------------------------------------------------------------
// Lenient readers (inbound). Each returns undefined for anything it cannot use.
// ---------------------------------------------------------------------------------------------

const NO_RECORDS: readonly Record<string, unknown>[] = Object.freeze([]);
const NO_SOURCES: ReadonlyArray<{ uri: string; title?: string }> = Object.freeze([]);

/** The object elements of an array field; other elements are skipped. */
export function readRecords(value: unknown): readonly Record<string, unknown>[] {
  const array = readArray(value);
  if (array === undefined || array.length === 0) return NO_RECORDS;
  let allRecords = true;
  for (const item of array) {
    if (asRecord(item) === undefined) {
      allRecords = false;
      break;
    }
  }
  if (allRecords) return array as Record<string, unknown>[];
  const out: Record<string, unknown>[] = [];
  for (const item of array) {
    const record = asRecord(item);
    if (record !== undefined) out.push(record);
  }
  return out;
}

/** The first candidate of a response chunk (cligate serves one choice). */
export function readFirstCandidate(response: Record<string, unknown>): Record<string, unknown> | undefined {
  const candidates = readArray(response['candidates']);
  if (candidates === undefined) return undefined;
  for (const candidate of candidates) {
    const record = asRecord(candidate);
    if (record !== undefined) return record;
  }
  return undefined;
}

/** The parts of a candidate's `content`. */
export function readCandidateParts(candidate: Record<string, unknown>): readonly Record<string, unknown>[] {
  const content = asRecord(candidate['content']);
  return content === undefined ? NO_RECORDS : readRecords(content['parts']);
}

/** The token counts of a usageMetadata object; undefined when it holds none. */
export function readUsageMetadata(value: unknown): GeminiUsageMetadata | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const usage: GeminiUsageMetadata = {};
  const prompt = readNumber(record['promptTokenCount']);
  if (prompt !== undefined) usage.promptTokenCount = prompt;
  const candidates = readNumber(record['candidatesTokenCount']);
  if (candidates !== undefined) usage.candidatesTokenCount = candidates;
  const total = readNumber(record['totalTokenCount']);
  if (total !== undefined) usage.totalTokenCount = total;
  const thoughts = readNumber(record['thoughtsTokenCount']);
  if (thoughts !== undefined) usage.thoughtsTokenCount = thoughts;
  const cached = readNumber(record['cachedContentTokenCount']);
  if (cached !== undefined) usage.cachedContentTokenCount = cached;
  const toolUse = readNumber(record['toolUsePromptTokenCount']);
  if (toolUse !== undefined) usage.toolUsePromptTokenCount = toolUse;
  for (const _key in usage) return usage;
  return undefined; // nothing countable: not a usage report

}

export function readFunctionCall(value: unknown): { name: string; args: unknown; id?: string } | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const name = readString(record['name']);
  if (name === undefined) return undefined;
  const call: { name: string; args: unknown; id?: string } = { name, args: record['args'] };
  const id = readString(record['id']);
  if (id !== undefined && id.length > 0) call.id = id;
  return call;
}

export function readInlineData(value: unknown): GeminiInlineData | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const data = readString(record['data']);
  if (data === undefined) return undefined;
  return { mimeType: readString(record['mimeType']) ?? 'application/octet-stream', data };
}

/** `groundingMetadata.groundingChunks[].web` entries that have a URI. */
export function readGroundingWebSources(value: unknown): ReadonlyArray<{ uri: string; title?: string }> {
  const metadata = asRecord(value);
  if (metadata === undefined) return NO_SOURCES;
  const chunks = readRecords(metadata['groundingChunks']);
  if (chunks.length === 0) return NO_SOURCES;
  const out: Array<{ uri: string; title?: string }> = [];
  for (const chunk of chunks) {
    const web = asRecord(chunk['web']);
    if (web === undefined) continue;
    const uri = readString(web['uri']);
    if (uri === undefined || uri.length === 0) continue;
    const title = readString(web['title']);
    out.push(title === undefined ? { uri } : { uri, title });
  }
  return out;
}

/** A Google RPC error object (`{error: {code, message, status}}`), when the value is one. */
export function readGoogleError(value: unknown): { code?: number; message?: string; status?: string } | undefined {
  const record = asRecord(value);
  const error = record === undefined ? undefined : asRecord(record['error']);
  if (error === undefined) return undefined;
  const out: { code?: number; message?: string; status?: string } = {};
  const code = readNumber(error['code']);
  if (code !== undefined) out.code = code;
  const message = readString(error['message']);
  if (message !== undefined) out.message = message;
  const status = readString(error['status']);
  if (status !== undefined) out.status = status;
  return out;
}
