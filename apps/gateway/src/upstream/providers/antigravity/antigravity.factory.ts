import type { GatewayConfig, RuntimeSettings } from '../../../config/gateway-config.js';
import type { Coordination } from '../../../coordination/coordination.js';
import type { Locks } from '../../../coordination/locks.js';
import { AccessTokenService } from '../../../credentials/access-token.service.js';
import type { CredentialImportService } from '../../../credentials/credential-import.service.js';
import { CredentialPoolService, type PoolDirectory } from '../../../credentials/credential-pool.service.js';
import type { CredentialStateRepository } from '../../../credentials/credential-state.repository.js';
import type { CredentialsAdminService } from '../../../credentials/credentials-admin.service.js';
import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import { GoogleOAuthAuthorizer } from '../../../credentials/google-oauth.authorizer.js';
import type { CryptoRepository } from '../../../crypto/crypto.repository.js';
import type { Logger } from '../../../logging/logger.js';
import type { GatewayMetrics } from '../../../metrics/metrics.registry.js';
import { createAntigravityAccountFlow } from '../../../oauth/google-account-flow.js';
import { ANTIGRAVITY_DISCOVERY, ProjectDiscoveryService } from '../../../oauth/project-discovery.service.js';
import { CodeAssistCaller } from '../../../relay/code-assist-caller.js';
import { GoogleHttpRepository } from '../../code-assist/google-http.repository.js';
import type { Dispatchers } from '../../http/dispatchers.js';
import { AntigravityAdminService } from './antigravity-admin.service.js';
import { ANTIGRAVITY_IDENTITY } from './antigravity-client.js';
import { AntigravityModelCatalog } from './antigravity-models.js';
import { AntigravityProvider } from './antigravity.provider.js';
import { classifyAntigravityFailure } from './classify-antigravity-failure.js';

export interface AntigravityDeps {
  config: GatewayConfig;
  settings: () => RuntimeSettings;
  dispatchers: Dispatchers;
  credentials: CredentialsRepository;
  state: CredentialStateRepository;
  coordination: Coordination;
  directory: PoolDirectory;
  crypto: CryptoRepository;
  locks: Locks;
  logger: Logger;
  importer: CredentialImportService;
  credentialsAdmin: CredentialsAdminService;
}

/**
 * Antigravity accounts, built apart from container.ts: their HTTP repositories (v1internal on
 * `antigravity_api_url`, setup calls on `antigravity_setup_url`, tokens and userinfo on their own
 * bases), the pool with its Google OAuth authorizer (refresh ahead of expiry, project discovery the
 * Antigravity way), the import and admin hooks, the donation flow, the model catalogue, and — once
 * the metrics exist — the provider.
 */
export function createAntigravity(deps: AntigravityDeps) {
  const { settings } = deps;
  const bases = (host: 'api' | 'setup') => () => {
    const s = settings();
    return { codeAssist: host === 'api' ? s.antigravity_api_url : s.antigravity_setup_url, oauth: s.antigravity_oauth_url, googleapis: s.antigravity_googleapis_url };
  };
  const proxy = () => settings().proxy;
  const api = new GoogleHttpRepository(deps.dispatchers, bases('api'), proxy, ANTIGRAVITY_IDENTITY);
  const setup = new GoogleHttpRepository(deps.dispatchers, bases('setup'), proxy, ANTIGRAVITY_IDENTITY);
  const discovery = new ProjectDiscoveryService(setup, { pollIntervalMs: deps.config.onboardPollMs, maxPolls: 24 }, ANTIGRAVITY_DISCOVERY);
  let pool!: CredentialPoolService;
  const tokens = new AccessTokenService(deps.credentials, setup, deps.crypto, deps.locks, (id) => void pool.notifyChanged(id).catch(() => {}));
  pool = new CredentialPoolService('antigravity', deps.credentials, deps.state, deps.coordination, deps.logger);
  pool.joinDirectory(deps.directory);
  pool.setAuthorizer(new GoogleOAuthAuthorizer(tokens, discovery, deps.credentials, deps.locks, (id, reason) => pool.disable(id, reason)));
  deps.importer.registerOAuthKind('antigravity', { google: setup, discovery });
  deps.credentialsAdmin.registerOAuthKind('antigravity', { tokens, google: setup });
  const catalog = new AntigravityModelCatalog({ pool, credentials: deps.credentials, api, logger: deps.logger, refreshMs: deps.config.antigravityModelsRefreshMs });
  return {
    pool,
    tokens,
    catalog,
    admin: new AntigravityAdminService(catalog, deps.credentials),
    /** the /auth donation (and admin sign-in) of an Antigravity account */
    accountFlow: createAntigravityAccountFlow({ callbackPort: deps.config.antigravityCallbackPort, google: setup, importer: deps.importer }),
    /** for the refresh-tokens job */
    accountTokens: { kind: 'antigravity', refreshAhead: (id: string, leadMs: number) => tokens.refreshAhead(id, leadMs) },
    provider(metrics: GatewayMetrics): AntigravityProvider {
      const caller = new CodeAssistCaller(pool, api, settings, deps.logger, metrics, (status, body) => classifyAntigravityFailure(status, body));
      return new AntigravityProvider(caller, pool, catalog, api, deps.credentials, settings);
    },
    start(): void {
      catalog.start();
    },
    stop(): void {
      catalog.stop();
    },
  };
}

export type Antigravity = ReturnType<typeof createAntigravity>;
