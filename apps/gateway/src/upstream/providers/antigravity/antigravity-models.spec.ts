import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CredentialPoolService } from '../../../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import type { GoogleHttpRepository } from '../../code-assist/google-http.repository.js';
import { AntigravityModelCatalog, FALLBACK_ANTIGRAVITY_MODELS, isInternalModelId, modelGroup, parseAvailableModels } from './antigravity-models.js';

const NOW = 1_767_000_000_000;
const later = new Date(NOW + 3_600_000).toISOString();

function listing(quota: Record<string, number> = {}) {
  const model = (provider: string, extra: Record<string, unknown> = {}) => ({ modelProvider: provider, maxOutputTokens: 65_535, ...extra });
  const models: Record<string, unknown> = {
    'gemini-3-flash': model('MODEL_PROVIDER_GOOGLE', { displayName: 'Gemini 3 Flash' }),
    'gemini-3-pro-high': model('MODEL_PROVIDER_GOOGLE'),
    'gemini-3-pro-image': model('MODEL_PROVIDER_GOOGLE', { maxOutputTokens: 32_768 }),
    'claude-sonnet-4-6': model('MODEL_PROVIDER_ANTHROPIC'),
    'gpt-oss-120b-medium': model('MODEL_PROVIDER_OPENAI'),
    tab_flash_lite_preview: model('MODEL_PROVIDER_GOOGLE'),
    chat_20706: model('MODEL_PROVIDER_GOOGLE'),
  };
  for (const [id, m] of Object.entries(models)) (m as Record<string, unknown>).quotaInfo = { remainingFraction: quota[id] ?? 0.5, resetTime: later };
  return { models, defaultAgentModelId: 'gemini-3-flash' };
}

function setup(answers: Record<string, () => { status: number; body: unknown }>) {
  const bans: Array<{ id: string; model: string; until: number; reason: string }> = [];
  const bodies: unknown[] = [];
  const pool = {
    enabledIds: () => Object.keys(answers),
    tokenFor: async (id: string) => `token-${id}`,
    ban: async (id: string, model: string, until: number, reason: string) => void bans.push({ id, model, until, reason }),
  } as unknown as CredentialPoolService;
  const credentials = { findById: async (id: string) => ({ id, projectId: `proj-${id}`, proxyUrl: null }) } as unknown as CredentialsRepository;
  const api = {
    codeAssistJson: async (call: { body: unknown; accessToken: string }) => {
      bodies.push(call.body);
      const answer = answers[call.accessToken.slice('token-'.length)]!();
      return { ...answer, text: JSON.stringify(answer.body) };
    },
  } as unknown as GoogleHttpRepository;
  const catalog = new AntigravityModelCatalog({ pool, credentials, api, logger: pino({ level: 'silent' }), refreshMs: 60_000, now: () => NOW });
  return { catalog, bans, bodies };
}

describe('Antigravity model catalogue', () => {
  it('reads fetchAvailableModels, dropping internal ids', () => {
    const models = parseAvailableModels(listing());
    expect(models.map((m) => m.id)).toEqual(['claude-sonnet-4-6', 'gemini-3-flash', 'gemini-3-pro-high', 'gemini-3-pro-image', 'gpt-oss-120b-medium']);
    expect(models.find((m) => m.id === 'gemini-3-flash')).toEqual({
      id: 'gemini-3-flash',
      displayName: 'Gemini 3 Flash',
      provider: 'MODEL_PROVIDER_GOOGLE',
      maxOutputTokens: 65_535,
      quota: { remainingFraction: 0.5, resetTime: later },
    });
    expect(isInternalModelId('tab_flash_lite_preview')).toBe(true);
    expect(isInternalModelId('rev19-uic3-1p')).toBe(true);
    expect(isInternalModelId('gemini-3.1-flash-lite')).toBe(false);
    expect(parseAvailableModels({})).toEqual([]);
  });

  it('groups quota windows: Gemini, Claude with GPT, images', () => {
    expect(modelGroup('gemini-3-flash', 'MODEL_PROVIDER_GOOGLE')).toBe('gemini');
    expect(modelGroup('gpt-oss-120b-medium', 'MODEL_PROVIDER_OPENAI')).toBe('claude');
    expect(modelGroup('claude-opus-4-6-thinking')).toBe('claude');
    expect(modelGroup('gemini-3.1-flash-image')).toBe('image');
  });

  it('serves the known ids before any listing, then what the accounts list', async () => {
    const { catalog, bodies } = setup({ a: () => ({ status: 200, body: listing() }), b: () => ({ status: 403, body: { error: { code: 403, message: 'denied' } } }) });
    expect(catalog.modelIds()).toEqual([...FALLBACK_ANTIGRAVITY_MODELS]);
    expect(catalog.serves('gemini-3.1-flash-lite')).toBe(true);
    expect(await catalog.refreshAll()).toEqual({ refreshed: 1, failed: 1 });
    expect(bodies).toEqual([{ project: 'proj-a' }, { project: 'proj-b' }]);
    expect(catalog.modelIds()).toEqual(['claude-sonnet-4-6', 'gemini-3-flash', 'gemini-3-pro-high', 'gemini-3-pro-image', 'gpt-oss-120b-medium']);
    expect(catalog.serves('gemini-3.1-flash-lite')).toBe(false);
    expect(catalog.maxOutputTokens('gemini-3-pro-image')).toBe(32_768);
    expect(catalog.groupOf('a', 'gemini-3-flash').sort()).toEqual(['gemini-3-flash', 'gemini-3-pro-high']);
    expect(catalog.groupOf('a', 'claude-sonnet-4-6').sort()).toEqual(['claude-sonnet-4-6', 'gpt-oss-120b-medium']);
    // an account without a listing: only the model itself
    expect(catalog.groupOf('b', 'gemini-3-flash')).toEqual(['gemini-3-flash']);
    expect(catalog.snapshot().find((e) => e.credentialId === 'b')).toMatchObject({ error: 'denied', fetchedAt: null, models: [] });
  });

  it('bans an account for a model whose quota is used up, once per reset', async () => {
    const { catalog, bans } = setup({ a: () => ({ status: 200, body: listing({ 'claude-sonnet-4-6': 0 }) }) });
    await catalog.refreshAll();
    await catalog.refreshAll();
    expect(bans).toEqual([{ id: 'a', model: 'claude-sonnet-4-6', until: Date.parse(later), reason: 'quota exhausted (fetchAvailableModels)' }]);
  });
});
