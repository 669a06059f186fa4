import { createHash, randomUUID } from 'node:crypto';
import type { ChatRequest } from '../../../protocols/ir/chat-request.js';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiPart } from '../../../protocols/gemini/gemini-wire.js';

/** `requestType` of Antigravity's envelope (docs/upstreams.md §2.4). */
export type AntigravityRequestType = 'agent' | 'image_gen' | 'web_search';

export interface AntigravityEnvelope {
  model: string;
  project?: string;
  requestId: string;
  userAgent: 'antigravity';
  requestType: AntigravityRequestType;
  request: Record<string, unknown>;
}

export function isImageModel(model: string): boolean {
  return /-image(?:-|$)/.test(model);
}

export function isClaudeModel(model: string): boolean {
  return model.startsWith('claude-');
}

/**
 * `"-" + a positive int64`, stable for a conversation: derived from its first user text, so the
 * turns of one conversation share a session (and its upstream cache) without any state here.
 */
export function sessionIdFor(request: ChatRequest): string {
  let seed = '';
  for (const message of request.messages) {
    if (message.role !== 'user') continue;
    seed = message.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
    if (seed) break;
  }
  const digest = createHash('sha256').update(seed || randomUUID()).digest();
  return `-${digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn}`;
}

export interface PrepareOptions {
  model: string;
  /** the tool call ids of the conversation, in order (Claude models echo them) */
  toolCallIds: string[];
  toolResultIds: string[];
  /** the model's output limit from fetchAvailableModels, when known */
  maxOutputTokens: number | null;
}

/**
 * The Gemini request as Antigravity takes it inside its envelope: safety settings removed; image
 * models get one candidate and neither system instruction nor tools (they do not take them);
 * Claude models get `VALIDATED` function calling, `parameters` schemas and their tool call ids
 * echoed on functionCall / functionResponse parts; `maxOutputTokens` is capped at the model's limit.
 */
export function prepareAntigravityRequest(encoded: GeminiGenerateContentRequest, options: PrepareOptions): Record<string, unknown> {
  const request: Record<string, unknown> = { ...(encoded as unknown as Record<string, unknown>) };
  delete request.safetySettings;
  const generationConfig = { ...((request.generationConfig as Record<string, unknown> | undefined) ?? {}) };
  if (options.maxOutputTokens !== null && typeof generationConfig.maxOutputTokens === 'number' && generationConfig.maxOutputTokens > options.maxOutputTokens) {
    generationConfig.maxOutputTokens = options.maxOutputTokens;
  }
  if (isImageModel(options.model)) {
    delete request.systemInstruction;
    delete request.tools;
    delete request.toolConfig;
    generationConfig.candidateCount = 1;
  } else if (isClaudeModel(options.model)) {
    const tools = request.tools as Array<{ functionDeclarations?: Array<Record<string, unknown>> }> | undefined;
    if (Array.isArray(tools) && tools.some((t) => Array.isArray(t.functionDeclarations) && t.functionDeclarations.length > 0)) {
      request.tools = tools.map((t) =>
        Array.isArray(t.functionDeclarations)
          ? {
              ...t,
              functionDeclarations: t.functionDeclarations.map(({ parametersJsonSchema, ...declaration }) =>
                parametersJsonSchema !== undefined && declaration.parameters === undefined ? { ...declaration, parameters: parametersJsonSchema } : declaration,
              ),
            }
          : t,
      );
      const toolConfig = (request.toolConfig as { functionCallingConfig?: { mode?: string } } | undefined) ?? {};
      if (toolConfig.functionCallingConfig?.mode !== 'NONE') {
        request.toolConfig = { ...toolConfig, functionCallingConfig: { ...toolConfig.functionCallingConfig, mode: 'VALIDATED' } };
      }
    }
    request.contents = echoToolIds(encoded.contents, options.toolCallIds, options.toolResultIds);
  }
  if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig;
  else delete request.generationConfig;
  return request;
}

/** Sets functionCall.id / functionResponse.id from the conversation's ids, when they pair up one to one. */
function echoToolIds(contents: GeminiContent[], callIds: string[], resultIds: string[]): GeminiContent[] {
  const calls: GeminiPart[] = [];
  const results: GeminiPart[] = [];
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (part.functionCall) calls.push(part);
      if (part.functionResponse) results.push(part);
    }
  }
  const callsMatch = calls.length === callIds.length;
  const resultsMatch = results.length === resultIds.length;
  if (!callsMatch && !resultsMatch) return contents;
  const ids = new Map<GeminiPart, string>();
  if (callsMatch) calls.forEach((p, i) => ids.set(p, callIds[i]!));
  if (resultsMatch) results.forEach((p, i) => ids.set(p, resultIds[i]!));
  return contents.map((content) => ({
    ...content,
    parts: (content.parts ?? []).map((part) => {
      const id = ids.get(part);
      if (id === undefined) return part;
      if (part.functionCall) return { ...part, functionCall: { ...part.functionCall, id } };
      return { ...part, functionResponse: { ...part.functionResponse!, id } };
    }),
  }));
}

/** The tool call and tool result ids of an IR conversation, in order. */
export function toolIdsOf(request: ChatRequest): { toolCallIds: string[]; toolResultIds: string[] } {
  const toolCallIds: string[] = [];
  const toolResultIds: string[] = [];
  for (const message of request.messages) {
    if (message.role === 'assistant') for (const part of message.content) if (part.type === 'tool-call') toolCallIds.push(part.toolCallId);
    if (message.role === 'tool') for (const part of message.content) toolResultIds.push(part.toolCallId);
  }
  return { toolCallIds, toolResultIds };
}

/**
 * Antigravity's envelope: `{model, project, requestId, userAgent: "antigravity", requestType, request}`;
 * agent requests carry `request.sessionId`, image requests an `image_gen/<ms>/<uuid>/12` request id,
 * requests with Google Search grounding are `web_search`.
 */
export function buildAntigravityEnvelope(input: {
  model: string;
  project: string | null;
  request: Record<string, unknown>;
  sessionId: string;
  now?: number;
}): AntigravityEnvelope {
  const image = isImageModel(input.model);
  // key order as Antigravity sends it: model, project, requestId, userAgent, requestType, request
  const envelope = { model: input.model } as AntigravityEnvelope;
  if (input.project) envelope.project = input.project;
  envelope.requestId = image ? `image_gen/${input.now ?? Date.now()}/${randomUUID()}/12` : `agent-${randomUUID()}`;
  envelope.userAgent = 'antigravity';
  const search = Array.isArray(input.request.tools) && input.request.tools.some((t) => typeof t === 'object' && t !== null && 'googleSearch' in t);
  envelope.requestType = image ? 'image_gen' : search ? 'web_search' : 'agent';
  envelope.request = image ? input.request : { ...input.request, sessionId: input.sessionId };
  return envelope;
}
