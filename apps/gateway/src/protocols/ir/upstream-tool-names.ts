/**
 * Tool names the upstream accepts. OpenAI (Chat Completions and Responses) and Anthropic take
 * `^[a-zA-Z0-9_-]{1,64}$`; clients send longer or richer names (Claude Code MCP tools
 * `mcp__<server>__<tool>` easily pass 64 characters, Gemini allows dots and colons). A name that
 * does not fit is sent as a deterministic alias — invalid characters → `_`, cut to fit, plus an
 * 8-hex hash of the original so two names never collide — and the decoder maps calls of the alias
 * back to the client's name. Names that fit (nearly all) are untouched and cost one scan.
 */
import { createHash } from 'node:crypto';

export const UPSTREAM_TOOL_NAME_MAX_LENGTH = 64;

function isNameCharacter(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

export function upstreamToolName(name: string, maxLength: number = UPSTREAM_TOOL_NAME_MAX_LENGTH): string {
  let valid = name.length > 0 && name.length <= maxLength;
  for (let i = 0; valid && i < name.length; i++) valid = isNameCharacter(name.charCodeAt(i));
  if (valid) return name;
  let clean = '';
  for (let i = 0; i < name.length && clean.length < maxLength - 9; i++) clean += isNameCharacter(name.charCodeAt(i)) ? name[i] : '_';
  return `${clean}_${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/**
 * Upstream name → the client's name, for the names of `toolNames` that had to be aliased; undefined
 * when none did (the decoders then skip the lookup entirely).
 */
export function createToolNameRestorer(
  toolNames: Iterable<string> | undefined,
  maxLength: number = UPSTREAM_TOOL_NAME_MAX_LENGTH,
): ((upstreamName: string) => string) | undefined {
  if (toolNames === undefined) return undefined;
  let aliases: Map<string, string> | undefined;
  for (const name of toolNames) {
    const alias = upstreamToolName(name, maxLength);
    if (alias !== name) (aliases ??= new Map()).set(alias, name);
  }
  if (aliases === undefined) return undefined;
  const map = aliases;
  return (upstreamName) => map.get(upstreamName) ?? upstreamName;
}
