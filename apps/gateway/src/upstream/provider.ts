import type { Dispatcher } from 'undici';
import type { CredentialLease } from '../credentials/credential-pool.service.js';
import type { ChatRequest } from '../protocols/ir/chat-request.js';
import type { ChatStreamPart } from '../protocols/ir/chat-stream-part.js';
import type { CodeAssistAttempt, OpenedUpstream } from '../relay/code-assist-caller.js';
import type { PassthroughWire } from '../protocols/passthrough/wire-tap.js';

/** Every upstream kind the gateway can route to. */
export type ProviderKind = 'gemini-cli' | 'ai-studio' | 'antigravity' | 'openai-compat' | 'claude' | 'codex' | 'claude-oauth' | 'codex-oauth';

export interface UpstreamCall {
  /** the IR request (gateway prefixes and suffixes already applied) */
  request: ChatRequest;
  /** the model id to send to this provider */
  upstreamModel: string;
  stream: boolean;
  requestId: string;
  signal: AbortSignal;
}

export interface DecodeOptions {
  includeThoughts: boolean;
}

/** Turns an upstream body, chunk by chunk, into IR parts. */
export interface UpstreamPipeline {
  feed(text: string): void;
  flush(): void;
}

/** An upstream answer that started (status 200, body unread), and how to read it. */
export interface OpenedUpstreamCall {
  response: Dispatcher.ResponseData;
  lease: CredentialLease;
  attempts: CodeAssistAttempt[];
  pipeline(intake: (part: ChatStreamPart) => void, options: DecodeOptions): UpstreamPipeline;
  /** a whole non-streamed body → IR parts */
  decode(text: string, options: DecodeOptions): ChatStreamPart[];
}

/** A client body forwarded as it is (same protocol upstream): only the model name is replaced. */
export interface RawUpstreamCall {
  body: Record<string, unknown>;
  upstreamModel: string;
  stream: boolean;
  /** client headers the wire defines as part of the request (e.g. `anthropic-beta`) */
  headers: Record<string, string>;
  requestId: string;
  signal: AbortSignal;
}

/** What an admin "test" of one credential found. */
export interface CredentialTestResult {
  success: boolean;
  /** upstream HTTP status (0: unreachable) */
  status: number;
  message: string;
  /** models the upstream lists for this credential, when it has a listing */
  models?: string[];
}

export interface ServedModel {
  /** the name clients use */
  id: string;
  /** the name sent upstream */
  upstreamModel: string;
}

/**
 * One upstream kind (or one configured provider of a kind): its own wire codec, auth and failure
 * classification behind one interface. The relay, the pool mechanics, quotas and logging do not change
 * when a kind is added; the router only asks which providers serve a model and opens calls.
 */
export interface UpstreamProvider {
  readonly id: string;
  readonly kind: ProviderKind;
  /** `owned_by` in /v1/models */
  readonly owner: string;
  /** true when at least one credential could serve right now */
  available(): boolean;
  /** the models this provider serves now */
  models(): readonly ServedModel[];
  /** the upstream model for a client model name, or null when this provider does not serve it */
  resolve(model: string): string | null;
  /** default order among providers serving a model (lower first; 0 when absent) */
  rank?(model: string): number;
  /** the client protocol this provider can take untranslated (same-protocol passthrough) */
  readonly passthroughWire?: PassthroughWire;
  /** a same-protocol call: the client's body forwarded, with failover across credentials */
  openRaw?(call: RawUpstreamCall): Promise<OpenedUpstream>;
  /** one call, with failover across this provider's credentials */
  open(call: UpstreamCall): Promise<OpenedUpstreamCall>;
  /** a cheap authenticated call with one of this provider's credentials (admin "test") */
  testCredential?(credentialId: string): Promise<CredentialTestResult>;
  /** the upstream's own token count, when it has one */
  countTokens?(call: Omit<UpstreamCall, 'stream'>): Promise<number>;
}
