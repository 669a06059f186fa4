import type { RuntimeSettings } from '../config/gateway-config.js';
import type { AccessTokenService } from '../credentials/access-token.service.js';
import type { CredentialPoolService } from '../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../credentials/credentials.repository.js';
import { classifyUpstreamFailure } from '../common/errors/classify-upstream-failure.js';
import type { GoogleHttpRepository } from '../upstream/code-assist/google-http.repository.js';
import { jsonOrUndefined, readBodyText } from '../upstream/http/read-body.js';
import type { JobDefinition } from './job-runner.js';
import type { CryptoRepository } from '../crypto/crypto.repository.js';
import type { MaintenanceRepository } from './maintenance.repository.js';

export interface MaintenanceDeps {
  crypto: CryptoRepository;
  repository: MaintenanceRepository;
  credentials: CredentialsRepository;
  pool: CredentialPoolService;
  tokens: AccessTokenService;
  google: GoogleHttpRepository;
  settings: () => RuntimeSettings;
  /** OAuth account kinds refreshed ahead of expiry by their own authorizer (Claude Code, Codex accounts) */
  accountTokens?: ReadonlyArray<{ kind: string; refreshAhead(credentialId: string, leadMs: number): Promise<boolean> }>;
}

const KIND = 'gemini-cli';
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The maintenance jobs. Each is idempotent (safe to run twice, or on two processes by accident) and
 * returns a small summary shown in the panel.
 */
export function maintenanceJobs(deps: MaintenanceDeps, everyOverrideMs: number | null = null): JobDefinition[] {
  const every = (_name: string, fallback: number) => everyOverrideMs ?? fallback;

  /** a 1-token generateContent with the credential (gcli2api's "test"); returns the upstream status */
  const probe = async (credentialId: string, model: string) => {
    const row = await deps.credentials.findById(credentialId);
    if (!row) return { status: 0, body: undefined };
    const token = await deps.tokens.get(credentialId, undefined, { allowDisabled: true });
    const response = await deps.google.codeAssist({
      method: 'generateContent',
      accessToken: token,
      model,
      proxy: row.proxyUrl,
      body: {
        model,
        ...(row.projectId ? { project: row.projectId } : {}),
        request: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { maxOutputTokens: 1 } },
      },
    });
    return { status: response.statusCode, body: jsonOrUndefined(await readBodyText(response.body)) };
  };

  return [
    {
      name: 'refresh-tokens',
      everyMs: every('refresh-tokens', 60_000),
      async run() {
        // refresh ahead of expiry, so no request waits for the token endpoint
        const ids = await deps.repository.expiringCredentials(KIND, 10 * 60_000);
        let candidates = ids.length;
        let refreshed = 0;
        let failed = 0;
        for (const id of ids) {
          try {
            if (await deps.tokens.refreshAhead(id, 10 * 60_000)) refreshed += 1;
          } catch {
            failed += 1;
          }
        }
        for (const account of deps.accountTokens ?? []) {
          const accountIds = await deps.repository.expiringCredentials(account.kind, 10 * 60_000);
          candidates += accountIds.length;
          for (const id of accountIds) {
            try {
              if (await account.refreshAhead(id, 10 * 60_000)) refreshed += 1;
            } catch {
              failed += 1;
            }
          }
        }
        return { candidates, refreshed, failed };
      },
    },
    {
      name: 'fetch-emails',
      everyMs: every('fetch-emails', 5 * 60_000),
      async run() {
        const rows = await deps.repository.credentialsWithoutEmail(KIND);
        let found = 0;
        for (const row of rows) {
          const token = await deps.tokens.get(row.id).catch(() => null);
          if (!token) continue;
          const email = await deps.google.userEmail(token, row.proxyUrl).catch(() => null);
          if (email) {
            await deps.credentials.update(row.id, { email });
            found += 1;
          }
        }
        return { candidates: rows.length, found };
      },
    },
    {
      name: 'probe-credentials',
      everyMs: every('probe-credentials', 60_000),
      async run() {
        let healthy = 0;
        let stillLimited = 0;
        let reenabled = 0;
        for (const { credentialId, model } of await deps.repository.endedCooldowns(new Date(), KIND)) {
          const result = await probe(credentialId, model).catch(() => ({ status: 0, body: undefined }));
          if (result.status === 200) {
            await deps.credentials.clearCooldowns(credentialId, model);
            healthy += 1;
          } else if (result.status === 429) {
            const f = classifyUpstreamFailure(429, result.body);
            if (f.kind === 'throttled') await deps.pool.ban(credentialId, model, f.until, `429 ${f.reason} (probe)`);
            stillLimited += 1;
          }
        }
        for (const { id } of await deps.repository.transientlyDisabled(KIND)) {
          const result = await probe(id, 'gemini-2.5-flash').catch(() => ({ status: 0, body: undefined }));
          if (result.status === 200) {
            await deps.credentials.update(id, { enabled: true, disabledReason: null, errorCodes: [] });
            await deps.pool.notifyChanged(id);
            reenabled += 1;
          }
        }
        return { healthy, stillLimited, reenabled };
      },
    },
    {
      // encryption key rotation: rows still sealed with a previous key are re-sealed with the current one
      name: 're-encrypt-credentials',
      everyMs: every('re-encrypt-credentials', 10 * 60_000),
      async run() {
        let reencrypted = 0;
        for (const row of await deps.credentials.allSecrets()) {
          if (deps.crypto.isCurrent(row.secretCiphertext)) continue;
          await deps.credentials.update(row.id, { secretCiphertext: deps.crypto.encrypt(deps.crypto.decrypt(row.secretCiphertext)) });
          reencrypted += 1;
        }
        return { reencrypted };
      },
    },
    {
      name: 'usage-rollup',
      everyMs: every('usage-rollup', 10 * 60_000),
      async run() {
        const now = Date.now();
        const watermark = await deps.repository.watermark();
        const from = [day(now - 2 * 86_400_000), watermark ?? ''].sort().at(-1)!;
        const groups = await deps.repository.rollup(from, day(now + 86_400_000));
        return { from, groups };
      },
    },
    {
      name: 'prune-usage',
      everyMs: every('prune-usage', 6 * 3_600_000),
      async run() {
        const days = deps.settings().usage_retention_days;
        if (days <= 0) return { skipped: 'retention is 0 (keep forever)' };
        const cutoff = day(Date.now() - days * 86_400_000);
        return { cutoff, deleted: await deps.repository.prune(cutoff) };
      },
    },
  ];
}
