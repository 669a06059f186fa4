/**
 * The internal representation (IR) every client protocol decodes into and every upstream encodes
 * from. Hub and spoke: a protocol needs one decoder and one encoder per direction, never a pairwise
 * translator. Keep falsy values meaningful: an absent field means "the client did not set it" and is
 * never sent upstream; `0`, `false` and `""` are forwarded as given.
 */
import type { JsonObject, ProviderMetadata } from './provider-metadata.js';

export interface TextPart {
  type: 'text';
  text: string;
  providerMetadata?: ProviderMetadata;
}

/** Inline media (base64) or a remote URL the relay must fetch or refuse; never silently dropped. */
export interface FilePart {
  type: 'file';
  mediaType: string;
  /** base64 payload, without a data: prefix */
  data?: string;
  /** http(s) URL given by the client; resolved (or refused) before the upstream encoder runs */
  url?: string;
  providerMetadata?: ProviderMetadata;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** opaque signature the upstream attached to this thought (Gemini thoughtSignature) */
  signature?: string;
  providerMetadata?: ProviderMetadata;
}

export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  /** parsed arguments (a JSON object in practice) */
  input: unknown;
  providerMetadata?: ProviderMetadata;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  /** JSON value the tool returned (objects stay objects; plain text stays a string) */
  output: unknown;
  isError?: boolean;
}

export type UserContentPart = TextPart | FilePart;
export type AssistantContentPart = TextPart | FilePart | ReasoningPart | ToolCallPart;

export type ChatMessage =
  /** a system message after the leading run (leading ones live in ChatRequest.system) */
  | { role: 'system'; content: TextPart[] }
  | { role: 'user'; content: UserContentPart[] }
  | { role: 'assistant'; content: AssistantContentPart[] }
  | { role: 'tool'; content: ToolResultPart[] };

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (an object schema; an absent schema is an empty object schema) */
  parameters: JsonObject;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; toolName: string };

export interface GenerationParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  candidateCount?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
}

export type ThinkingEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max' | 'auto';

/** What the client asked of the model's thinking; resolved per model family by the upstream encoder. */
export interface ThinkingRequest {
  effort?: ThinkingEffort;
  budgetTokens?: number;
  /** whether thought text should come back (false hides it even when the model thinks) */
  includeThoughts?: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json'; schema?: JsonObject; name?: string };

export interface ImageOutputRequest {
  aspectRatio?: string;
  imageSize?: string;
}

export interface ChatRequest {
  /** upstream model id (gateway prefixes and suffixes already resolved) */
  model: string;
  /** the leading run of system / developer messages */
  system: TextPart[];
  messages: ChatMessage[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** built-in upstream tools (e.g. Google Search grounding from the -search suffix) */
  builtinTools?: { googleSearch?: boolean };
  generation: GenerationParams;
  thinking?: ThinkingRequest;
  responseFormat?: ResponseFormat;
  /** output modalities the client asked for (absent: the upstream default) */
  responseModalities?: Array<'text' | 'image'>;
  imageOutput?: ImageOutputRequest;
  stream: boolean;
  /** protocol-specific passthrough the generic IR has no place for */
  providerOptions?: {
    gemini?: {
      safetySettings?: unknown[];
      cachedContent?: string;
      labels?: Record<string, string>;
      /** any generationConfig keys the IR does not model, forwarded verbatim */
      extraGenerationConfig?: JsonObject;
    };
  };
}
