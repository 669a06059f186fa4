export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Namespaced escape hatch for upstream facts that must survive a round trip through a client
 * protocol that has no field for them (e.g. Gemini thought signatures on OpenAI tool calls).
 */
export interface ProviderMetadata {
  gemini?: {
    thoughtSignature?: string;
  };
}
