import { describe, expect, it } from 'vitest';
import type { GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import { ANTIGRAVITY_DISCOVERY, ProjectDiscoveryError, ProjectDiscoveryService } from './project-discovery.service.js';

function fakeGoogle(answers: Record<string, Array<{ status: number; body: unknown }>>) {
  const calls: Array<{ method: string; body: unknown }> = [];
  const next = (method: string) => {
    const list = answers[method];
    if (!list || list.length === 0) throw new Error(`unexpected ${method}`);
    return list.length > 1 ? list.shift()! : list[0]!;
  };
  const google = {
    async codeAssistJson(call: { method: string; body: unknown }) {
      calls.push({ method: call.method, body: call.body });
      const a = next(call.method);
      return { ...a, text: JSON.stringify(a.body) };
    },
    async getOperation(name: string) {
      calls.push({ method: `GET ${name}`, body: null });
      return next('operation');
    },
  } as unknown as GoogleHttpRepository;
  return { google, calls };
}

const free = { allowedTiers: [{ id: 'free-tier', isDefault: true }] };

describe('ProjectDiscoveryService', () => {
  it("onboards gemini-cli's way: camelCase tier, operation polled by GET", async () => {
    const { google, calls } = fakeGoogle({
      loadCodeAssist: [{ status: 200, body: free }],
      onboardUser: [{ status: 200, body: { name: 'operations/op-1', done: false } }],
      operation: [{ status: 200, body: { done: true, response: { cloudaicompanionProject: { id: 'proj-1' } } } }],
    });
    const found = await new ProjectDiscoveryService(google, { pollIntervalMs: 1, maxPolls: 3 }).discover('t', null);
    expect(found).toEqual({ projectId: 'proj-1', tier: 'free-tier' });
    expect(calls.map((c) => c.method)).toEqual(['loadCodeAssist', 'onboardUser', 'GET operations/op-1']);
    expect(calls[0]!.body).toEqual({ metadata: { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' } });
    expect(calls[1]!.body).toMatchObject({ tierId: 'free-tier' });
  });

  it("onboards Antigravity's way: ideType ANTIGRAVITY, snake_case tier, polled by posting onboardUser again", async () => {
    const { google, calls } = fakeGoogle({
      loadCodeAssist: [{ status: 200, body: free }],
      onboardUser: [
        { status: 200, body: { name: 'operations/op-2', done: false } },
        { status: 200, body: { name: 'operations/op-2', done: false } },
        { status: 200, body: { done: true, response: { cloudaicompanionProject: { id: 'ag-proj' } } } },
      ],
    });
    const found = await new ProjectDiscoveryService(google, { pollIntervalMs: 1, maxPolls: 5 }, ANTIGRAVITY_DISCOVERY).discover('t', null);
    expect(found).toEqual({ projectId: 'ag-proj', tier: 'free-tier' });
    expect(calls.map((c) => c.method)).toEqual(['loadCodeAssist', 'onboardUser', 'onboardUser', 'onboardUser']);
    expect(calls[0]!.body).toEqual({ metadata: { ideType: 'ANTIGRAVITY' } });
    expect(calls[1]!.body).toEqual({ tier_id: 'free-tier', metadata: { ide_type: 'ANTIGRAVITY' } });
  });

  it('reads the project of an onboarded account and gives up on endless onboarding', async () => {
    const onboarded = fakeGoogle({ loadCodeAssist: [{ status: 200, body: { currentTier: { id: 'free-tier' }, cloudaicompanionProject: 'p-9', paidTier: { id: 'g1-pro-tier' } } }] });
    expect(await new ProjectDiscoveryService(onboarded.google, { pollIntervalMs: 1, maxPolls: 2 }, ANTIGRAVITY_DISCOVERY).discover('t', null)).toEqual({ projectId: 'p-9', tier: 'g1-pro-tier' });
    const stuck = fakeGoogle({ loadCodeAssist: [{ status: 200, body: free }], onboardUser: [{ status: 200, body: { done: false } }] });
    await expect(new ProjectDiscoveryService(stuck.google, { pollIntervalMs: 1, maxPolls: 2 }, ANTIGRAVITY_DISCOVERY).discover('t', null)).rejects.toBeInstanceOf(ProjectDiscoveryError);
  });
});
