import type { AssistantContentPart } from './chat-request.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/** A grounding source (Google Search result) attached to an answer. */
export interface Source {
  url: string;
  title?: string;
}

export interface ChatResponse {
  id: string;
  /** model id as reported to the client */
  model: string;
  /** unix seconds */
  created: number;
  content: AssistantContentPart[];
  finishReason: FinishReason;
  usage: Usage;
  sources: Source[];
}
