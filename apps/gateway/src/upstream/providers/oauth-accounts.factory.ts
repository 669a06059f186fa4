import type { RuntimeSettings } from '../../config/gateway-config.js';
import type { Coordination } from '../../coordination/coordination.js';
import type { Locks } from '../../coordination/locks.js';
import type { TypedCredentialImporter } from '../../credentials/credential-import.service.js';
import { CredentialPoolService, type PoolDirectory } from '../../credentials/credential-pool.service.js';
import type { CredentialStateRepository } from '../../credentials/credential-state.repository.js';
import type { CredentialsRepository } from '../../credentials/credentials.repository.js';
import type { CryptoRepository } from '../../crypto/crypto.repository.js';
import type { Logger } from '../../logging/logger.js';
import type { GatewayMetrics } from '../../metrics/metrics.registry.js';
import type { AccountFlow } from '../../oauth/account-flow.js';
import { OAuthAccountAuthorizer } from '../../oauth/oauth-account.authorizer.js';
import type { OAuthAccountKind, OAuthAccountSecret } from '../../oauth/oauth-account-kind.js';
import { OAuthAccountStore } from '../../oauth/oauth-account.store.js';
import { classifyAnthropicUpstreamFailure } from '../../protocols/anthropic-messages/classify-anthropic-upstream-failure.js';
import { classifyResponsesUpstreamFailure } from '../../protocols/openai-responses/classify-responses-upstream-failure.js';
import { CodeAssistCaller, type FailureClassifier } from '../../relay/code-assist-caller.js';
import type { Dispatchers } from '../http/dispatchers.js';
import type { CredentialTestResult, UpstreamProvider } from '../provider.js';
import { ClaudeOAuthClient } from './claude-oauth/claude-oauth.client.js';
import { ClaudeAccountFlow } from './claude-oauth/claude-oauth.flow.js';
import { ClaudeOAuthProvider } from './claude-oauth/claude-oauth.provider.js';
import { CodexOAuthClient } from './codex-oauth/codex-oauth.client.js';
import { CodexAccountFlow } from './codex-oauth/codex-oauth.flow.js';
import { CodexOAuthProvider } from './codex-oauth/codex-oauth.provider.js';
import type { OAuthAccountProvider, OAuthAccountProviderDeps } from './oauth-account.provider.js';

export interface OAuthAccountUpstreamsDeps {
  credentials: CredentialsRepository;
  state: CredentialStateRepository;
  coordination: Coordination;
  directory: PoolDirectory;
  crypto: CryptoRepository;
  locks: Locks;
  dispatchers: Dispatchers;
  settings: () => RuntimeSettings;
  logger: Logger;
  metrics: GatewayMetrics;
}

/** What the composition root plugs in for one OAuth account kind. */
export interface OAuthAccountUpstream {
  kind: 'claude-oauth' | 'codex-oauth';
  pool: CredentialPoolService;
  authorizer: OAuthAccountAuthorizer;
  provider: UpstreamProvider;
  flow: AccountFlow;
  importer: TypedCredentialImporter;
  /** the admin "test" of one credential of the kind */
  test(credentialId: string): Promise<CredentialTestResult>;
}

/**
 * The subscription-account upstreams (Claude Code accounts, Codex / ChatGPT accounts): per kind a
 * credential pool with its OAuth authorizer, a caller classifying failures with the wire's rules
 * (subscription limits → ban windows until their reset), the provider, the sign-in flow and the
 * file importer. Built apart from container.ts so the composition root only plugs the parts in.
 */
export function createOAuthAccountUpstreams(deps: OAuthAccountUpstreamsDeps): OAuthAccountUpstream[] {
  const store = new OAuthAccountStore(deps.credentials, deps.crypto, deps.logger);
  const poolOf = (kind: string) => {
    const pool = new CredentialPoolService(kind, deps.credentials, deps.state, deps.coordination, deps.logger);
    pool.joinDirectory(deps.directory);
    return pool;
  };
  const authorizerOf = <S extends OAuthAccountSecret>(account: OAuthAccountKind<S>, pool: CredentialPoolService) => {
    const authorizer = new OAuthAccountAuthorizer(account, deps.credentials, deps.crypto, deps.locks, (id, reason) => {
      deps.logger.warn({ credentialId: id, kind: account.kind, reason }, 'account disabled');
      void pool.notifyChanged(id).catch(() => {});
    });
    pool.setAuthorizer(authorizer);
    return authorizer;
  };
  /** one kind: its pool and authorizer, a caller classifying failures with the wire's rules, then the provider and the flow on them */
  const upstreamOf = <S extends OAuthAccountSecret>(
    kind: OAuthAccountUpstream['kind'],
    client: OAuthAccountKind<S>,
    classify: FailureClassifier,
    provider: (providerDeps: OAuthAccountProviderDeps) => OAuthAccountProvider,
    flow: (pool: CredentialPoolService) => AccountFlow,
  ): OAuthAccountUpstream => {
    const pool = poolOf(kind);
    const authorizer = authorizerOf(client, pool);
    const caller = new CodeAssistCaller(pool, null, deps.settings, deps.logger, deps.metrics, classify);
    const built = provider({ caller, pool, dispatchers: deps.dispatchers, settings: deps.settings, authorizer, repository: deps.credentials });
    return {
      kind,
      pool,
      authorizer,
      provider: built,
      flow: flow(pool),
      importer: store.fileImporter(client, pool),
      test: (id) => built.testCredential(id),
    };
  };

  const claudeClient = new ClaudeOAuthClient(deps.dispatchers, deps.settings);
  const claude = upstreamOf(
    'claude-oauth',
    claudeClient,
    (status, body, headers) => classifyAnthropicUpstreamFailure(status, body, headers),
    (providerDeps) => new ClaudeOAuthProvider(providerDeps),
    (pool) => new ClaudeAccountFlow(claudeClient, store, pool),
  );
  const codexClient = new CodexOAuthClient(deps.dispatchers, deps.settings);
  const codex = upstreamOf(
    'codex-oauth',
    codexClient,
    (status, body, headers) => classifyResponsesUpstreamFailure(status, body, headers),
    (providerDeps) => new CodexOAuthProvider(providerDeps),
    (pool) => new CodexAccountFlow(codexClient, store, pool),
  );
  return [claude, codex];
}
