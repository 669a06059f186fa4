import { Module, type DynamicModule } from '@nestjs/common';
import { AdminAuthGuard } from './admin-auth/admin-auth.guard.js';
import { AdminAuthController } from './admin-auth/admin-auth.controller.js';
import { AdminSessionService } from './admin-auth/admin-session.service.js';
import { DonationController } from './donation/donation.controller.js';
import { DonationService } from './donation/donation.service.js';
import { GATEWAY_CONFIG } from './config/gateway-config.js';
import { COORDINATION } from './coordination/coordination.js';
import { CryptoRepository } from './crypto/crypto.repository.js';
import { DATABASE } from './database/database.js';
import { CredentialImportService } from './credentials/credential-import.service.js';
import { CredentialsAdminService } from './credentials/credentials-admin.service.js';
import { CredentialsController } from './credentials/credentials.controller.js';
import { HealthController } from './health/health.controller.js';
import { ConfigController } from './settings/config.controller.js';
import { SettingsService } from './settings/settings.service.js';
import type { Container, Infrastructure } from './container.js';
import { ApiKeysController } from './api-keys/api-keys.controller.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { RateLimiter } from './coordination/rate-limiter.js';
import { ModelCostsController } from './quotas/model-costs.controller.js';
import { ModelCostsService } from './quotas/model-costs.service.js';
import { UsageController } from './usage/usage.controller.js';
import { UsageStatsRepository } from './usage/usage-stats.repository.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { GatewayMetrics } from './metrics/metrics.registry.js';
import { JobsController } from './jobs/jobs.controller.js';
import { JOB_RUNNER } from './jobs/job-runner.js';
import { ProvidersController } from './upstream/providers/openai-compat/providers.controller.js';
import { ProviderDefinitionsService } from './upstream/providers/openai-compat/provider-definitions.service.js';
import { OpenAiCompatRegistry } from './upstream/providers/openai-compat/openai-compat.registry.js';
import { AntigravityController } from './upstream/providers/antigravity/antigravity.controller.js';
import { AntigravityAdminService } from './upstream/providers/antigravity/antigravity-admin.service.js';
import { AccountFlowsController } from './oauth/account-flows.controller.js';
import { AccountFlowsService } from './oauth/account-flows.service.js';

export const LOGGER = Symbol('LOGGER');

@Module({})
export class AppModule {
  static forRoot(infra: Infrastructure, container: Container): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, AdminAuthController, DonationController, CredentialsController, ConfigController, ApiKeysController, ModelCostsController, UsageController, MetricsController, JobsController, ProvidersController, AccountFlowsController, AntigravityController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: infra.config },
        { provide: DATABASE, useValue: infra.db },
        { provide: COORDINATION, useValue: infra.coordination },
        { provide: LOGGER, useValue: infra.logger },
        { provide: CryptoRepository, useValue: infra.crypto },
        { provide: SettingsService, useValue: container.settings },
        { provide: CredentialsAdminService, useValue: container.credentialsAdmin },
        { provide: CredentialImportService, useValue: container.importer },
        { provide: ApiKeysService, useValue: container.apiKeys },
        { provide: ApiKeysRepository, useValue: container.apiKeysRepository },
        { provide: ModelCostsService, useValue: container.modelCosts },
        { provide: RateLimiter, useValue: container.rateLimiter },
        { provide: UsageStatsRepository, useValue: container.usageStats },
        { provide: GatewayMetrics, useValue: container.metrics },
        { provide: JOB_RUNNER, useValue: container.jobs },
        { provide: AdminSessionService, useValue: container.adminSessions },
        { provide: DonationService, useValue: container.donation },
        { provide: ProviderDefinitionsService, useValue: container.providerDefinitions },
        { provide: OpenAiCompatRegistry, useValue: container.openAiCompat },
        { provide: AntigravityAdminService, useValue: container.antigravity.admin },
        { provide: AccountFlowsService, useValue: container.accountFlows },
        AdminAuthGuard,
      ],
    };
  }
}
