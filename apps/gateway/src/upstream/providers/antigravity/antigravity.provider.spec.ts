import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type RuntimeSettings } from '../../../config/gateway-config.js';
import type { CredentialLease, CredentialPoolService } from '../../../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import type { CodeAssistCaller, CodeAssistCallSpec } from '../../../relay/code-assist-caller.js';
import type { GoogleHttpRepository } from '../../code-assist/google-http.repository.js';
import { AntigravityModelCatalog } from './antigravity-models.js';
import { AntigravityProvider } from './antigravity.provider.js';

const lease: CredentialLease = { id: 'a', filename: 'a.json', projectId: 'proj-a', proxyUrl: null, accessToken: 't' };

function setup() {
  const specs: CodeAssistCallSpec[] = [];
  const pool = {
    size: () => 1,
    enabledIds: () => ['a'],
    tokenFor: async () => 't',
    ban: async () => {},
  } as unknown as CredentialPoolService;
  const credentials = { findById: async () => ({ id: 'a', projectId: 'proj-a', proxyUrl: null }) } as unknown as CredentialsRepository;
  const api = {
    codeAssistJson: async () => ({
      status: 200,
      text: '',
      body: { models: { 'gemini-3-flash': { modelProvider: 'MODEL_PROVIDER_GOOGLE' }, 'gemini-3-pro-high': { modelProvider: 'MODEL_PROVIDER_GOOGLE' }, 'gemini-2.5-flash': { modelProvider: 'MODEL_PROVIDER_GOOGLE' }, 'claude-sonnet-4-6': { modelProvider: 'MODEL_PROVIDER_ANTHROPIC' } } },
    }),
  } as unknown as GoogleHttpRepository;
  const catalog = new AntigravityModelCatalog({ pool, credentials, api, logger: pino({ level: 'silent' }), refreshMs: 60_000 });
  const caller = {
    async open(spec: CodeAssistCallSpec) {
      specs.push(spec);
      return { response: {}, lease, attempts: [] };
    },
  } as unknown as CodeAssistCaller;
  const settings = () => ({ ...DEFAULT_SETTINGS, api_password: 'x', panel_password: 'y' }) as RuntimeSettings;
  return { provider: new AntigravityProvider(caller, pool, catalog, api, credentials, settings), catalog, specs };
}

describe('AntigravityProvider', () => {
  it('ranks after the Gemini CLI pool for Code Assist models and first for its own', async () => {
    const { provider, catalog } = setup();
    await catalog.refreshAll();
    expect(provider.resolve('gemini-3-flash')).toBe('gemini-3-flash');
    expect(provider.resolve('gemini-2.5-pro')).toBeNull();
    expect(provider.rank('gemini-2.5-flash')).toBeGreaterThan(0);
    expect(provider.rank('gemini-3-flash')).toBeLessThan(0);
    // Claude models: after Claude accounts (rank 0), before Claude API keys (rank 1)
    expect(provider.rank('claude-sonnet-4-6')).toBeGreaterThan(0);
    expect(provider.rank('claude-sonnet-4-6')).toBeLessThan(1);
    expect(provider.models().map((m) => m.id)).toContain('claude-sonnet-4-6');
  });

  it("sends Antigravity's envelope with the lease's project, and bans a model group on exhausted quota", async () => {
    const { provider, catalog, specs } = setup();
    await catalog.refreshAll();
    const signal = new AbortController().signal;
    await provider.open({
      request: { model: 'gemini-3-flash', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], tools: [], generation: {}, stream: true },
      upstreamModel: 'gemini-3-flash',
      stream: true,
      requestId: 'r1',
      signal,
    });
    const spec = specs[0]!;
    expect(spec).toMatchObject({ method: 'streamGenerateContent', model: 'gemini-3-flash', stream: true });
    expect(spec.buildBody!(lease)).toMatchObject({
      model: 'gemini-3-flash',
      project: 'proj-a',
      userAgent: 'antigravity',
      requestType: 'agent',
      request: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], sessionId: expect.stringMatching(/^-\d+$/) },
    });
    const quota = { kind: 'throttled' as const, until: 1, terminal: true, reason: 'QUOTA_EXHAUSTED', message: 'Individual quota reached' };
    expect([...spec.banModels!(lease, quota)].sort()).toEqual(['gemini-2.5-flash', 'gemini-3-flash', 'gemini-3-pro-high']);
    expect(spec.banModels!(lease, { ...quota, reason: 'RATE_LIMIT_EXCEEDED', terminal: false })).toEqual(['gemini-3-flash']);
  });
});
