import { describe, expect, it } from 'vitest';
import type { MaintenanceDeps } from './maintenance-jobs.js';
import { maintenanceJobs } from './maintenance-jobs.js';

/** The background refresh covers the OAuth account kinds; the Google probe never touches them. */
describe('maintenance jobs and OAuth account kinds', () => {
  function deps(expiring: Record<string, string[]>) {
    const refreshed: string[] = [];
    const endedCooldownKinds: Array<string | undefined> = [];
    const d = {
      repository: {
        async expiringCredentials(kind: string) {
          return expiring[kind] ?? [];
        },
        async endedCooldowns(_now: Date, kind?: string) {
          endedCooldownKinds.push(kind);
          return [];
        },
        async transientlyDisabled() {
          return [];
        },
      },
      tokens: {
        async refreshAhead(id: string) {
          refreshed.push(`google:${id}`);
          return true;
        },
      },
      accountTokens: [
        {
          kind: 'claude-oauth',
          async refreshAhead(id: string) {
            refreshed.push(`claude:${id}`);
            if (id === 'c-fail') throw new Error('token endpoint unreachable');
            return id !== 'c-fresh';
          },
        },
        {
          kind: 'codex-oauth',
          async refreshAhead(id: string) {
            refreshed.push(`codex:${id}`);
            return true;
          },
        },
      ],
    } as unknown as MaintenanceDeps;
    return { d, refreshed, endedCooldownKinds };
  }

  it('refreshes expiring tokens of every account kind with its own authorizer and counts the outcomes', async () => {
    const t = deps({ 'gemini-cli': ['g1'], 'claude-oauth': ['c1', 'c-fresh', 'c-fail'], 'codex-oauth': ['x1'] });
    const job = maintenanceJobs(t.d).find((j) => j.name === 'refresh-tokens')!;
    expect(await job.run()).toEqual({ candidates: 5, refreshed: 3, failed: 1 });
    expect(t.refreshed).toEqual(['google:g1', 'claude:c1', 'claude:c-fresh', 'claude:c-fail', 'codex:x1']);
  });

  it('probes ended cooldowns of Gemini CLI credentials only', async () => {
    const t = deps({});
    await maintenanceJobs(t.d).find((j) => j.name === 'probe-credentials')!.run();
    expect(t.endedCooldownKinds).toEqual(['gemini-cli']);
  });
});
