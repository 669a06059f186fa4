import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import type { AntigravityModelCatalog } from './antigravity-models.js';

/** The admin view of Antigravity accounts: each account's models with their quota (remaining fraction, reset). */
export class AntigravityAdminService {
  constructor(
    private readonly catalog: AntigravityModelCatalog,
    private readonly credentials: CredentialsRepository,
  ) {}

  async models() {
    const { items } = await this.credentials.list({ kind: 'antigravity' });
    const listed = new Map(this.catalog.snapshot().map((e) => [e.credentialId, e]));
    return {
      credentials: items.map((row) => {
        const entry = listed.get(row.id);
        return {
          filename: row.filename,
          email: row.email,
          project_id: row.projectId,
          disabled: !row.enabled,
          fetched_at: entry?.fetchedAt ?? null,
          error: entry?.error ?? null,
          models: (entry?.models ?? []).map((m) => ({
            id: m.id,
            display_name: m.displayName,
            provider: m.provider,
            max_output_tokens: m.maxOutputTokens,
            remaining_fraction: m.quota?.remainingFraction ?? null,
            reset_time: m.quota?.resetTime ?? null,
          })),
        };
      }),
    };
  }

  async refresh() {
    const { refreshed, failed } = await this.catalog.refreshAll();
    return { refreshed, failed, ...(await this.models()) };
  }
}
