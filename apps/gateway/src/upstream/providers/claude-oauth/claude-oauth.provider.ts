import type { UpstreamFailure } from '../../../common/errors/classify-upstream-failure.js';
import { classifyAnthropicUpstreamFailure } from '../../../protocols/anthropic-messages/classify-anthropic-upstream-failure.js';
import type { CredentialTestResult } from '../../provider.js';
import { CLAUDE_MODELS } from '../claude/claude-key.provider.js';
import { OAuthAccountProvider, type OAuthAccountProviderDeps } from '../oauth-account.provider.js';
import { ANTHROPIC_VERSION, CLAUDE_OAUTH_BETA } from './claude-oauth.client.js';

/** Subscriptions rank before Claude API keys (rank 1) for the same model. */
export const CLAUDE_OAUTH_RANK = 0;

/**
 * The headers of a Claude Code account's API call: the bearer token, the OAuth beta the API requires
 * for it, and the API version. Nothing that would make the call look like Claude Code itself (no
 * claude-cli User-Agent, no x-app, no claude-code beta, no injected system prompt: docs/upstreams.md §4.8).
 */
export function claudeOAuthHeaders(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}`, 'anthropic-version': ANTHROPIC_VERSION, 'anthropic-beta': CLAUDE_OAUTH_BETA };
}

/**
 * Claude through Claude Code accounts: the Messages API at `claude_api_base_url` with the account's
 * OAuth token; subscription limits (`anthropic-ratelimit-unified-status: rejected`) become ban windows
 * until `anthropic-ratelimit-unified-reset` through the Anthropic failure classifier.
 */
export class ClaudeOAuthProvider extends OAuthAccountProvider {
  constructor(deps: OAuthAccountProviderDeps) {
    const models = CLAUDE_MODELS.map((id) => ({ id, upstreamModel: id }));
    super(
      {
        id: 'claude-oauth',
        kind: 'claude-oauth',
        owner: 'anthropic',
        wire: 'anthropic-messages',
        baseUrl: () => deps.settings().claude_api_base_url,
        path: () => '/v1/messages',
        headers: (lease) => claudeOAuthHeaders(lease.accessToken),
        models: () => models,
        resolve: (model) => (/^claude-[\w.-]+$/.test(model) ? model : null),
        rank: () => CLAUDE_OAUTH_RANK,
        // a Claude client's body goes through untranslated; its betas join the OAuth beta
        passthrough: true,
      },
      deps,
    );
  }

  /** GET /v1/models with the account's token (no subscription usage is spent). */
  protected override probe(token: string): { url: string; headers: Record<string, string> } {
    return { url: `${this.deps.settings().claude_api_base_url}/v1/models`, headers: claudeOAuthHeaders(token) };
  }

  protected override classifyFailure(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): UpstreamFailure {
    return classifyAnthropicUpstreamFailure(status, body, headers);
  }

  protected override describeAccount(body: unknown): Pick<CredentialTestResult, 'message' | 'models'> {
    const data = (body as { data?: Array<{ id?: unknown }> } | undefined)?.data;
    const models = Array.isArray(data) ? data.map((m) => m.id).filter((id): id is string => typeof id === 'string') : [];
    return { message: `the account answered; ${models.length} models listed`, models };
  }
}
