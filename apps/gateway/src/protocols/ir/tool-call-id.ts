import { randomBytes } from 'node:crypto';

/** `call_` + 24 hex characters: an id for a tool call the upstream sent without one. */
export function mintToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}
