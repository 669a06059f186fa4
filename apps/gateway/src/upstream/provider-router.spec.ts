import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { OpenedUpstreamCall, UpstreamProvider } from './provider.js';
import { ProviderRouter } from './provider-router.js';

function provider(id: string, models: string[], behaviour: 'ok' | 'down' | 'rejects' = 'ok', available = true): UpstreamProvider & { opened: string[] } {
  const opened: string[] = [];
  return {
    id,
    kind: 'openai-compat',
    owner: id,
    opened,
    available: () => available,
    models: () => models.map((m) => ({ id: m, upstreamModel: `${id}/${m}` })),
    resolve: (m) => (models.includes(m) ? `${id}/${m}` : null),
    async open(call) {
      opened.push(call.upstreamModel);
      if (behaviour === 'down') throw new GatewayError('upstream_unavailable', `${id} down`);
      if (behaviour === 'rejects') throw new GatewayError('upstream_rejected', 'bad request', { status: 400 });
      return { provider: id } as unknown as OpenedUpstreamCall;
    },
  };
}

const call = { request: {} as never, stream: false, requestId: 'r', signal: new AbortController().signal };

describe('ProviderRouter', () => {
  it('tries providers in priority order and fails over when one fails before answering', async () => {
    const a = provider('a', ['m'], 'down');
    const b = provider('b', ['m']);
    const router = new ProviderRouter(() => [a, b], () => ({}));
    const result = await router.open(call, 'm');
    expect(result.provider.id).toBe('b');
    expect(result.upstreamModel).toBe('b/m');
    expect(a.opened).toEqual(['a/m']);
  });

  it('does not fail over on a request the upstream rejected', async () => {
    const a = provider('a', ['m'], 'rejects');
    const b = provider('b', ['m']);
    const router = new ProviderRouter(() => [a, b], () => ({}));
    await expect(router.open(call, 'm')).rejects.toMatchObject({ code: 'upstream_rejected' });
    expect(b.opened).toEqual([]);
  });

  it('orders by rule: provider list, round-robin, weighted', () => {
    const a = provider('a', ['m']);
    const b = provider('b', ['m']);
    const c = provider('c', ['m']);
    const rules = { m: { strategy: 'round-robin' as const, providers: ['c', 'a'] } };
    const router = new ProviderRouter(() => [a, b, c], () => rules);
    const firsts = Array.from({ length: 4 }, () => router.candidates('m')[0]!.provider.id);
    expect(firsts).toEqual(['c', 'a', 'b', 'c']);
    const weighted = new ProviderRouter(() => [a, b], () => ({ m: { strategy: 'weighted' as const, weights: { a: 1, b: 3 } } }), () => 0.5);
    expect(weighted.candidates('m').map((x) => x.provider.id)).toEqual(['b', 'a']);
    const only = new ProviderRouter(() => [a, b, c], () => ({ m: { providers: ['b'], only: true } }));
    expect(only.candidates('m').map((x) => x.provider.id)).toEqual(['b']);
  });

  it('lists what is servable now, and says when nothing serves a model', async () => {
    const router = new ProviderRouter(() => [provider('a', ['x', 'y']), provider('b', ['y', 'z'], 'ok', false)], () => ({}));
    expect(router.listModels()).toEqual([
      { id: 'x', owner: 'a' },
      { id: 'y', owner: 'a' },
    ]);
    await expect(router.open(call, 'nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});
