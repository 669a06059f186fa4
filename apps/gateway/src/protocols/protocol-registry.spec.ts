import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { ClientProtocolId } from './protocol-codec.js';
import { getClientCodec, hasClientCodec } from './protocol-registry.js';

describe('getClientCodec', () => {
  it.each<ClientProtocolId>(['openai-chat', 'gemini', 'anthropic-messages', 'openai-responses', 'openai-images'])('returns the %s codec', (id) => {
    expect(hasClientCodec(id)).toBe(true);
    expect(getClientCodec(id).id).toBe(id);
  });

  it('throws an internal error for an unknown protocol id', () => {
    expect(hasClientCodec('nope' as ClientProtocolId)).toBe(false);
    expect(() => getClientCodec('nope' as ClientProtocolId)).toThrowError(GatewayError);
  });
});
