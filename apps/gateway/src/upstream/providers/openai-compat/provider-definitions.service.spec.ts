import { describe, expect, it } from 'vitest';
import { createMemoryCoordination } from '../../../coordination/coordination.js';
import { CryptoRepository } from '../../../crypto/crypto.repository.js';
import type { ProviderDefinitionsRepository, ProviderRow } from './provider-definitions.repository.js';
import { PROVIDERS_CHANGED, ProviderDefinitionsService } from './provider-definitions.service.js';

/** An in-memory stand-in for the Prisma repository that records what was written. */
function memoryRepository() {
  const rows = new Map<string, ProviderRow>();
  const repo = {
    rows,
    async list() {
      return [...rows.values()];
    },
    async findByName(name: string) {
      return [...rows.values()].find((r) => r.name === name) ?? null;
    },
    async create(data: Record<string, unknown>) {
      const row = { id: `id-${rows.size + 1}`, createdAt: new Date(), updatedAt: new Date(), ...data } as unknown as ProviderRow;
      rows.set(row.id, row);
      return row;
    },
    async update(id: string, data: Record<string, unknown>) {
      const row = { ...rows.get(id)!, ...data } as ProviderRow;
      rows.set(id, row);
      return row;
    },
    async delete(id: string) {
      rows.delete(id);
    },
    async keyCounts() {
      return new Map();
    },
  };
  return repo;
}

function setup(allowPrivate = false) {
  const repo = memoryRepository();
  const crypto = new CryptoRepository(Buffer.alloc(32, 1), Buffer.alloc(32, 2));
  const coordination = createMemoryCoordination();
  const announced: string[] = [];
  coordination.subscribe(PROVIDERS_CHANGED, (m) => announced.push(m));
  const service = new ProviderDefinitionsService(repo as unknown as ProviderDefinitionsRepository, crypto, coordination, allowPrivate);
  return { repo, service, announced };
}

const base = { name: 'openrouter', base_url: 'https://93.184.215.14/api/v1/' };

describe('ProviderDefinitionsService', () => {
  it('stores aliases, a prefix and sealed headers, and opens them back', async () => {
    const { repo, service, announced } = setup();
    const { row, apiKeys } = await service.create({
      ...base,
      models: ['gpt-4o', 'fast=qwen-plus', { id: 'r1', upstream: 'deepseek-reasoner' }],
      prefix: 'or',
      headers: { 'X-Title': 'secret-title' },
      api_keys: ['sk-or-123456789'],
    });
    expect(apiKeys).toEqual(['sk-or-123456789']);
    expect(row.baseUrl).toBe('https://93.184.215.14/api/v1');
    expect(JSON.stringify([...repo.rows.values()])).not.toContain('secret-title');
    const [def] = await service.list();
    expect(def).toMatchObject({
      name: 'openrouter',
      wire: 'openai-chat',
      prefix: 'or',
      headers: { 'x-title': 'secret-title' },
      models: [
        { id: 'gpt-4o', upstreamModel: 'gpt-4o' },
        { id: 'fast', upstreamModel: 'qwen-plus' },
        { id: 'r1', upstreamModel: 'deepseek-reasoner' },
      ],
    });
    const described = await service.describeOne('openrouter');
    expect(described.headers).toEqual({ 'x-title': '********' });
    await new Promise((r) => setTimeout(r, 0));
    expect(announced).toHaveLength(1);
  });

  it('refuses base URLs toward private or loopback addresses unless allowed', async () => {
    for (const url of ['http://127.0.0.1:8080/v1', 'http://10.0.0.5/v1', 'http://[::1]:9000', 'http://localhost:11434/v1', 'http://169.254.169.254/latest']) {
      await expect(setup().service.create({ name: 'local', base_url: url })).rejects.toMatchObject({ code: 'invalid_request', param: 'base_url' });
    }
    await expect(setup(true).service.create({ name: 'local', base_url: 'http://127.0.0.1:8080/v1' })).resolves.toBeDefined();
  });

  it('rejects bad names, duplicate aliases, reserved or broken headers, unknown fields and URLs with secrets', async () => {
    const { service } = setup();
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, name: 'Has Space' }, /name/],
      [{ ...base, models: ['a', 'a=b'] }, /listed twice/],
      [{ ...base, models: ['bad name'] }, /not a valid model name/],
      [{ ...base, headers: { Authorization: 'x', 'Content-Length': '1' } }, /set by the gateway/],
      [{ ...base, headers: { 'X-Evil': 'a\r\nInjected: 1' } }, /line break/],
      [{ ...base, surprise: true }, /surprise|Unrecognized/i],
      [{ ...base, base_url: 'https://user:pass@example.com/v1' }, /not in the URL/],
      [{ ...base, base_url: 'https://example.com/v1?key=1' }, /query/],
      [{ ...base, wire: 'soap' }, /wire/],
    ];
    for (const [input, message] of cases) {
      await expect(service.create(input)).rejects.toThrow(message);
    }
  });

  it('updates fields one at a time and refuses a name that does not exist', async () => {
    const { service } = setup();
    await service.create({ ...base, models: ['a'] });
    await service.update('openrouter', { models: ['b=c'], enabled: false });
    const [def] = await service.list();
    expect(def).toMatchObject({ enabled: false, models: [{ id: 'b', upstreamModel: 'c' }], baseUrl: 'https://93.184.215.14/api/v1' });
    await expect(service.update('nope', { enabled: true })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.update('openrouter', { base_url: 'http://192.168.1.1' })).rejects.toMatchObject({ param: 'base_url' });
  });
});
