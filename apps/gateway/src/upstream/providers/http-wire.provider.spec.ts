import { describe, expect, it } from 'vitest';
import { mergeClientHeaders, wireKeyHeaders, wireModelsPath, wirePath } from './http-wire.provider.js';

describe('http-wire provider helpers', () => {
  it("keeps the provider's auth and version over the client's, and joins anthropic-beta lists", () => {
    const own = { authorization: 'Bearer acct', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'oauth-2025-04-20' };
    expect(mergeClientHeaders(own, { 'anthropic-beta': 'context-1m-2025-08-07, oauth-2025-04-20', authorization: 'Bearer client' })).toEqual({
      authorization: 'Bearer acct',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'oauth-2025-04-20,context-1m-2025-08-07',
    });
    expect(mergeClientHeaders({ 'x-api-key': 'k' }, { 'anthropic-beta': 'files-api-2025-04-14' })).toEqual({ 'x-api-key': 'k', 'anthropic-beta': 'files-api-2025-04-14' });
  });

  it('knows each wire’s paths and key headers', () => {
    expect(wirePath('openai-chat')).toBe('/chat/completions');
    expect(wirePath('anthropic-messages')).toBe('/v1/messages');
    expect(wirePath('openai-responses')).toBe('/responses');
    expect(wireModelsPath('anthropic-messages')).toBe('/v1/models');
    expect(wireKeyHeaders('anthropic-messages', 'k')).toEqual({ 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
    expect(wireKeyHeaders('openai-chat', 'k')).toEqual({ authorization: 'Bearer k' });
  });
});
