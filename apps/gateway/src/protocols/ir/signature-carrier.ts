/**
 * Thought signatures in client protocols that have one opaque field for them.
 *
 * Gemini attaches a `thoughtSignature` to the part that carried it: a thought part (IR
 * ReasoningPart.signature), a text part or a function call (IR providerMetadata.gemini). Anthropic
 * Messages (`thinking.signature`) and OpenAI Responses (`reasoning.encrypted_content`) have a
 * signature field only on thinking / reasoning blocks, which clients replay verbatim. So every IR
 * signature travels on such a block, and the string says which IR part it belongs to:
 *
 * - `reasoning`: the raw Gemini signature, on the thinking block holding the thought text;
 * - `text` / `tool-call`: `cligate:<kind>:<signature>`, on a thinking block placed just before the
 *   text block / tool call it belongs to (decoders attach it to the next block of that kind).
 *
 * Base64 never contains `:`, so a prefixed value cannot be mistaken for a raw signature. Any other
 * string (a client-built or foreign signature) is read as a `reasoning` signature.
 */
export type SignedPartKind = 'reasoning' | 'text' | 'tool-call';

const TEXT_PREFIX = 'cligate:text:';
const TOOL_CALL_PREFIX = 'cligate:tool-call:';

export function encodeSignatureCarrier(kind: SignedPartKind, signature: string): string {
  switch (kind) {
    case 'reasoning':
      return signature;
    case 'text':
      return TEXT_PREFIX + signature;
    case 'tool-call':
      return TOOL_CALL_PREFIX + signature;
  }
}

/** The IR part kind and raw signature a carrier string stands for; undefined for an empty value. */
export function decodeSignatureCarrier(value: string): { kind: SignedPartKind; signature: string } | undefined {
  if (value.length === 0) return undefined;
  if (value.startsWith(TOOL_CALL_PREFIX)) {
    const signature = value.slice(TOOL_CALL_PREFIX.length);
    return signature.length === 0 ? undefined : { kind: 'tool-call', signature };
  }
  if (value.startsWith(TEXT_PREFIX)) {
    const signature = value.slice(TEXT_PREFIX.length);
    return signature.length === 0 ? undefined : { kind: 'text', signature };
  }
  return { kind: 'reasoning', signature: value };
}
