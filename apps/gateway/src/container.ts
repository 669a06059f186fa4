import type { GatewayConfig } from './config/gateway-config.js';
import type { Coordination } from './coordination/coordination.js';
import { Locks } from './coordination/locks.js';
import type { CryptoRepository } from './crypto/crypto.repository.js';
import type { Database } from './database/database.js';
import type { Logger } from './logging/logger.js';
import { AccessTokenService } from './credentials/access-token.service.js';
import { CredentialImportService } from './credentials/credential-import.service.js';
import { CredentialPoolService, PoolDirectory } from './credentials/credential-pool.service.js';
import { GoogleOAuthAuthorizer } from './credentials/google-oauth.authorizer.js';
import { createCredentialStateRepository } from './credentials/credential-state.repository.js';
import { CredentialsAdminService } from './credentials/credentials-admin.service.js';
import { CredentialsRepository } from './credentials/credentials.repository.js';
import { ProjectDiscoveryService } from './oauth/project-discovery.service.js';
import { CodeAssistCaller } from './relay/code-assist-caller.js';
import { ApiKeyAuthenticator } from './api-keys/api-key-authenticator.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { RateLimiter } from './coordination/rate-limiter.js';
import { ModelCostsService } from './quotas/model-costs.service.js';
import { createQuotaCounterRepository } from './quotas/quota-counter.repository.js';
import { QuotaService } from './quotas/quota.service.js';
import { UsageStatsRepository } from './usage/usage-stats.repository.js';
import { Gauge, GatewayMetrics } from './metrics/metrics.registry.js';
import { Redis } from 'ioredis';
import { BullMqJobRunner, InProcessJobRunner, type JobRunner } from './jobs/job-runner.js';
import { maintenanceJobs } from './jobs/maintenance-jobs.js';
import { MaintenanceRepository } from './jobs/maintenance.repository.js';
import { RelayHttp } from './relay/relay-http.js';
import { GeminiCliRelay } from './relay/gemini-cli-relay.js';
import { GeminiCliProvider } from './upstream/providers/gemini-cli.provider.js';
import { AiStudioProvider, classifyAiStudioFailure } from './upstream/providers/ai-studio.provider.js';
import { ApiKeyAuthorizer } from './credentials/api-key.authorizer.js';
import { ProviderRouter } from './upstream/provider-router.js';
import { getUpstreamCodec, type UpstreamWireId } from './protocols/upstream-codecs.js';
import { createClaudeKeyProvider } from './upstream/providers/claude/claude-key.provider.js';
import { createCodexKeyProvider } from './upstream/providers/codex/codex-key.provider.js';
import { OpenAiCompatRegistry } from './upstream/providers/openai-compat/openai-compat.registry.js';
import { ProviderDefinitionsRepository } from './upstream/providers/openai-compat/provider-definitions.repository.js';
import { ProviderDefinitionsService } from './upstream/providers/openai-compat/provider-definitions.service.js';
import type { UpstreamProvider } from './upstream/provider.js';
import { SettingsRepository } from './settings/settings.repository.js';
import { SettingsService } from './settings/settings.service.js';
import { GoogleHttpRepository } from './upstream/code-assist/google-http.repository.js';
import { Dispatchers } from './upstream/http/dispatchers.js';
import { RemoteMediaFetcher } from './upstream/http/remote-media.fetcher.js';
import { UsageLedgerRepository } from './usage/usage-ledger.repository.js';
import { UsageLedgerService } from './usage/usage-ledger.service.js';
import { createAdminSessions } from './admin-auth/admin-auth.factory.js';
import { createDonation } from './donation/donation.factory.js';
import type { AccountFlow } from './oauth/account-flow.js';
import { createGeminiCliAccountFlow } from './oauth/google-account-flow.js';
import { createAntigravity } from './upstream/providers/antigravity/antigravity.factory.js';
import { createOAuthAccountUpstreams } from './upstream/providers/oauth-accounts.factory.js';
import { AccountFlowsService, createAccountFlowStore } from './oauth/account-flows.service.js';

export interface Infrastructure {
  config: GatewayConfig;
  db: Database;
  coordination: Coordination;
  logger: Logger;
  crypto: CryptoRepository;
}

/**
 * The composition root: every service of the gateway, built once from the infrastructure. Nest gets
 * these as value providers (controllers inject them by class), so construction order and wiring are
 * plain code, independent of decorator metadata.
 */
export function buildContainer(infra: Infrastructure) {
  const { config, db, coordination, logger, crypto } = infra;
  const settings = new SettingsService(config, new SettingsRepository(db), coordination);
  const dispatchers = new Dispatchers({
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    idleTimeoutMs: config.upstreamIdleTimeoutMs,
  });
  const google = new GoogleHttpRepository(
    dispatchers,
    () => {
      const s = settings.get();
      return { codeAssist: s.code_assist_endpoint, oauth: s.oauth_proxy_url, googleapis: s.googleapis_proxy_url };
    },
    () => settings.get().proxy,
  );
  const locks = new Locks(coordination);
  const credentials = new CredentialsRepository(db);
  const state = createCredentialStateRepository(coordination);
  const discovery = new ProjectDiscoveryService(google, {
    pollIntervalMs: config.onboardPollMs,
    maxPolls: 24,
  });
  let pool!: CredentialPoolService;
  const directory = new PoolDirectory(coordination);
  const tokens = new AccessTokenService(credentials, google, crypto, locks, (id) => void pool.notifyChanged(id).catch(() => {}));
  pool = new CredentialPoolService('gemini-cli', credentials, state, coordination, logger);
  pool.joinDirectory(directory);
  pool.setAuthorizer(new GoogleOAuthAuthorizer(tokens, discovery, credentials, locks, (id, reason) => pool.disable(id, reason)));
  const importer = new CredentialImportService(credentials, pool, google, discovery, crypto, logger);
  const credentialsAdmin = new CredentialsAdminService(credentials, pool, tokens, google, crypto);
  const { sessions: adminSessions } = createAdminSessions({ config, coordination, crypto, settings });
  // Antigravity accounts: own OAuth/API bases, pool, token refresh, model catalogue (provider below)
  const antigravity = createAntigravity({ config, settings: () => settings.get(), dispatchers, credentials, state, coordination, directory, crypto, locks, logger, importer, credentialsAdmin });
  const metrics = new GatewayMetrics();
  // subscription accounts (Claude Code, Codex / ChatGPT): OAuth sign-in, refresh, rank before API keys
  const oauthAccounts = createOAuthAccountUpstreams({ credentials, state, coordination, directory, crypto, locks, dispatchers, settings: () => settings.get(), logger, metrics });
  for (const account of oauthAccounts) importer.addTypedImporter(account.importer);
  const accountFlows = new AccountFlowsService(oauthAccounts.map((a) => a.flow), createAccountFlowStore(coordination), crypto, locks, logger);
  // every account kind /auth can add: one list of AccountFlows (POST /auth/start {type})
  const donationFlows: AccountFlow[] = [createGeminiCliAccountFlow({ callbackPort: config.oauthCallbackPort, google, importer }), antigravity.accountFlow, ...oauthAccounts.map((a) => a.flow)];
  const { donation, loopback: oauthCallback } = createDonation({ config, coordination, crypto, locks, logger, flows: donationFlows });
  const ledger = new UsageLedgerService(new UsageLedgerRepository(db.ledgerSql), logger);
  const apiKeysRepository = new ApiKeysRepository(db);
  const modelCosts = new ModelCostsService(db, coordination);
  const quotas = new QuotaService(
    createQuotaCounterRepository(coordination),
    apiKeysRepository,
    modelCosts,
    locks,
    logger,
    coordination,
  );
  const apiKeys = new ApiKeysService(apiKeysRepository, crypto, coordination, (keyId) => quotas.invalidate(keyId));
  const rateLimiter = new RateLimiter(coordination);
  const usageStats = new UsageStatsRepository(db);
  metrics.addGauge(
    new Gauge('cligate_pool_credentials', 'Pooled credentials by state.', async () => {
      const cooling = new Set((await pool.listCooldowns()).map((b) => b.credentialId));
      return [
        { labels: { state: 'enabled' }, value: pool.size() },
        { labels: { state: 'cooling_for_some_model' }, value: cooling.size },
      ];
    }),
  );
  metrics.addGauge(new Gauge('cligate_usage_ledger_queue', 'Usage rows waiting to be written.', async () => [{ labels: {}, value: ledger.pending() }]));
  const jobs: JobRunner =
    config.redisUrl !== null
      ? new BullMqJobRunner(new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true }), `${config.redisPrefix}bull`, logger)
      : new InProcessJobRunner(logger);
  metrics.addGauge(
    new Gauge('cligate_job_queue', 'Background job queue by state.', async () =>
      Object.entries((await jobs.state()).counts).map(([state, value]) => ({ labels: { state }, value })),
    ),
  );
  const media = new RemoteMediaFetcher({ maxBytes: 10 * 1024 * 1024, timeoutMs: 10_000 });
  const caller = new CodeAssistCaller(pool, google, () => settings.get(), logger, metrics);
  // every upstream kind, registered in one place (the router orders them per model)
  const apiKeyAuthorizer = new ApiKeyAuthorizer(credentials, crypto, (id, reason) => pool.disable(id, reason));
  /** a pool of API keys of one kind, and its caller classifying failures with the wire's rules */
  const keyPool = (kind: string, wire: UpstreamWireId | 'ai-studio') => {
    const keys = new CredentialPoolService(kind, credentials, state, coordination, logger);
    keys.setAuthorizer(apiKeyAuthorizer);
    keys.joinDirectory(directory);
    const classify = wire === 'ai-studio' ? classifyAiStudioFailure : getUpstreamCodec(wire).classifyFailure;
    return { keys, caller: new CodeAssistCaller(keys, null, () => settings.get(), logger, metrics, (status, body, headers) => classify(status, body, headers)) };
  };
  const aiStudio = keyPool('ai-studio', 'ai-studio');
  const claudeKeys = keyPool('claude', 'anthropic-messages');
  const codexKeys = keyPool('codex', 'openai-responses');
  const pools = [pool, aiStudio.keys, claudeKeys.keys, codexKeys.keys, ...oauthAccounts.map((a) => a.pool), antigravity.pool];
  const builtIn: UpstreamProvider[] = [
    new GeminiCliProvider(caller, pool, () => settings.get()),
    antigravity.provider(metrics),
    new AiStudioProvider(aiStudio.caller, aiStudio.keys, dispatchers, () => settings.get()),
    createClaudeKeyProvider(claudeKeys.caller, claudeKeys.keys, dispatchers, () => settings.get()),
    createCodexKeyProvider(codexKeys.caller, codexKeys.keys, dispatchers, () => settings.get()),
    ...oauthAccounts.map((a) => a.provider),
  ];
  const providerDefinitions = new ProviderDefinitionsService(new ProviderDefinitionsRepository(db), crypto, coordination, config.allowPrivateUpstreams);
  const openAiCompat = new OpenAiCompatRegistry({
    definitions: providerDefinitions,
    credentials,
    state,
    coordination,
    directory,
    authorizer: apiKeyAuthorizer,
    dispatchers,
    settings: () => settings.get(),
    logger,
    metrics,
  });
  const providers = () => [...builtIn, ...openAiCompat.providers()];
  importer.setProviderResolver(async (name) => (await providerDefinitions.require(name).catch(() => null))?.id ?? null);
  // the credentials API names a key's provider and tests every kind with the provider that serves it
  const providerNames = async () => new Map((await providerDefinitions.list()).map((d) => [d.id, d.name]));
  credentialsAdmin.setHooks({
    providerNames,
    test: async (row) => {
      const owner = row.providerId ? (await providerNames()).get(row.providerId) : undefined;
      const provider = providers().find((p) => p.kind === row.kind && p.testCredential !== undefined && (owner === undefined || p.id === owner));
      return provider?.testCredential ? provider.testCredential(row.id) : null;
    },
  });
  const router = new ProviderRouter(providers, () => settings.get().model_routing);
  const relay = new RelayHttp({
    caller,
    pool,
    auth: new ApiKeyAuthenticator(apiKeys, () => settings.get(), crypto),
    quotas,
    ledger,
    settings: () => settings.get(),
    logger,
    metrics,
    media,
    router,
  });
  const cliRelay = new GeminiCliRelay(caller, pool, () => settings.get(), logger);

  return {
    settings,
    dispatchers,
    google,
    locks,
    credentials,
    pool,
    tokens,
    importer,
    credentialsAdmin,
    adminSessions,
    donation,
    antigravity,
    ledger,
    relay,
    cliRelay,
    oauthAccounts,
    accountFlows,
    router,
    providers,
    providerDefinitions,
    openAiCompat,
    apiKeys,
    apiKeysRepository,
    modelCosts,
    quotas,
    rateLimiter,
    usageStats,
    metrics,
    jobs,
    async start() {
      await settings.onModuleInit();
      for (const p of pools) await p.start();
      antigravity.start();
      await openAiCompat.start();
      await modelCosts.start();
      apiKeys.start();
      await quotas.start();
      await jobs.start(
        maintenanceJobs(
          { repository: new MaintenanceRepository(db), credentials, pool, tokens, google, crypto, settings: () => settings.get(), accountTokens: [...oauthAccounts.map((a) => a.authorizer), antigravity.accountTokens] },
          config.jobIntervalMs,
        ),
      );
    },
    async stop() {
      await quotas.stop();
      await jobs.stop();
      await media.close();
      await ledger.drain().catch(() => {});
      await oauthCallback.close().catch(() => {});
      await openAiCompat.stop();
      antigravity.stop();
      for (const p of pools) await p.stop();
      await dispatchers.close();
    },
  };
}

export type Container = ReturnType<typeof buildContainer>;
