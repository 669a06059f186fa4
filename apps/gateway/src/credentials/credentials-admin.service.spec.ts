import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { CryptoRepository } from '../crypto/crypto.repository.js';
import type { AccessTokenService } from './access-token.service.js';
import type { CredentialPoolService } from './credential-pool.service.js';
import { CredentialsAdminService, readProxyUrl } from './credentials-admin.service.js';
import type { CredentialRow, CredentialsRepository } from './credentials.repository.js';
import { credentialRow } from '../oauth/__fixtures__/memory-credentials.js';
import type { GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';

const crypto = new CryptoRepository(Buffer.alloc(32, 1), Buffer.alloc(32, 2));

function row(over: Partial<CredentialRow>): CredentialRow {
  return credentialRow({
    id: over.filename ?? 'id',
    filename: 'a.json',
    secretCiphertext: crypto.encrypt(JSON.stringify({ api_key: 'sk-test-123456789' })),
    ...over,
  });
}

/** The service over an in-memory repository and pool that record what was written. */
function setup(rows: CredentialRow[]) {
  const byName = new Map(rows.map((r) => [r.filename, r]));
  const notified: string[] = [];
  const errors: Array<[string, number]> = [];
  const repository = {
    async findByFilename(filename: string) {
      return byName.get(filename) ?? null;
    },
    async findById(id: string) {
      return [...byName.values()].find((r) => r.id === id) ?? null;
    },
    async list() {
      return { items: [...byName.values()], total: byName.size };
    },
    async update(id: string, data: Partial<CredentialRow>) {
      const current = [...byName.values()].find((r) => r.id === id)!;
      const next = { ...current, ...data } as CredentialRow;
      byName.set(next.filename, next);
      return next;
    },
    async recordError(id: string, code: number) {
      errors.push([id, code]);
    },
  };
  const pool = {
    async listCooldowns() {
      return [];
    },
    async notifyChanged(id: string) {
      notified.push(id);
    },
  };
  const service = new CredentialsAdminService(
    repository as unknown as CredentialsRepository,
    pool as unknown as CredentialPoolService,
    {} as AccessTokenService,
    {} as GoogleHttpRepository,
    crypto,
  );
  return { service, byName, notified, errors };
}

describe('CredentialsAdminService', () => {
  it('sets and removes a credential’s own proxy, validated like every proxy setting', async () => {
    const { service, byName, notified } = setup([row({ filename: 'k.json', kind: 'claude' })]);
    const set = await service.setProxy('k.json', ' socks5://user:pw@127.0.0.1:1080 ');
    expect(set).toMatchObject({ filename: 'k.json', proxy: '********' });
    expect(byName.get('k.json')!.proxyUrl).toBe('socks5://user:pw@127.0.0.1:1080');
    expect(notified).toEqual(['k.json']);
    await service.setProxy('k.json', null);
    expect(byName.get('k.json')!.proxyUrl).toBeNull();
    for (const bad of ['ftp://proxy.local', 'not a url', 42]) {
      await expect(service.setProxy('k.json', bad)).rejects.toMatchObject({ code: 'invalid_request', status: 400 });
    }
    await expect(service.setProxy('missing.json', null)).rejects.toBeInstanceOf(GatewayError);
    expect(readProxyUrl('')).toBeNull();
    expect(readProxyUrl('http://proxy.local:3128')).toBe('http://proxy.local:3128');
  });

  it('filters by kind, counts every kind and names the provider of a key', async () => {
    const { service } = setup([
      row({ filename: 'g.json', kind: 'gemini-cli' }),
      row({ filename: 'o.json', kind: 'openai-compat', providerId: 'p1', proxyUrl: 'http://proxy.local:1' }),
      row({ filename: 'c.json', kind: 'claude' }),
    ]);
    service.setHooks({ providerNames: async () => new Map([['p1', 'router']]), test: async () => null });
    const all = await service.status({});
    expect(all.stats.kinds).toEqual({ 'gemini-cli': 1, 'openai-compat': 1, claude: 1 });
    const keys = await service.status({ kind: 'openai-compat' });
    expect(keys.items.map((i) => i.filename)).toEqual(['o.json']);
    expect(keys.items[0]).toMatchObject({ backend_type: 'openai-compat', provider: 'router', proxy: '********' });
    expect(keys.stats).toMatchObject({ total: 1, kinds: { 'gemini-cli': 1, 'openai-compat': 1, claude: 1 } });
    // the download names the provider, so uploading it again lands in the same provider
    expect(await service.download('o.json')).toEqual({ type: 'openai-compat', label: null, provider: 'router', api_key: 'sk-test-123456789', proxy: 'http://proxy.local:1' });
  });

  it('tests other kinds with their provider, and says when no provider can', async () => {
    const { service, byName, errors } = setup([row({ filename: 'c.json', kind: 'claude' }), row({ filename: 'x.json', kind: 'brand-new' })]);
    service.setHooks({
      providerNames: async () => new Map(),
      test: async (r) => (r.kind === 'claude' ? { success: false, status: 401, message: 'credential_invalid: bad key' } : null),
    });
    expect(await service.test('c.json')).toEqual({ filename: 'c.json', success: false, status: 401, message: 'credential_invalid: bad key' });
    expect(errors).toEqual([['c.json', 401]]);
    expect(await service.test('x.json')).toMatchObject({ success: false, status: 0, message: 'no test is available for brand-new credentials' });
    service.setHooks({ providerNames: async () => new Map(), test: async () => ({ success: true, status: 200, message: 'ok', models: ['m'] }) });
    expect(await service.test('c.json')).toMatchObject({ success: true, models: ['m'] });
    expect(byName.get('c.json')!.lastSuccessAt).toBeInstanceOf(Date);
  });
});
