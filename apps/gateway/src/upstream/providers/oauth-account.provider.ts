import type { UpstreamFailure } from '../../common/errors/classify-upstream-failure.js';
import type { RuntimeSettings } from '../../config/gateway-config.js';
import type { CredentialPoolService } from '../../credentials/credential-pool.service.js';
import type { CredentialsRepository } from '../../credentials/credentials.repository.js';
import type { OAuthAccountAuthorizer } from '../../oauth/oauth-account.authorizer.js';
import { probeAccount } from '../../oauth/probe-account.js';
import type { CodeAssistCaller } from '../../relay/code-assist-caller.js';
import type { Dispatchers } from '../http/dispatchers.js';
import type { CredentialTestResult } from '../provider.js';
import { HttpWireProvider, type HttpWireProviderConfig } from './http-wire.provider.js';

export interface OAuthAccountProviderDeps {
  caller: CodeAssistCaller;
  pool: CredentialPoolService;
  dispatchers: Dispatchers;
  settings: () => RuntimeSettings;
  authorizer: OAuthAccountAuthorizer;
  repository: CredentialsRepository;
}

/**
 * A provider over a pool of subscription accounts signed in with OAuth (Claude Code, Codex / ChatGPT):
 * an HttpWireProvider whose admin test of an account is one cheap GET with its token (probeAccount)
 * that spends no usage. A refused probe is named by the wire's failure classifier; what a 200 says,
 * by the subclass.
 */
export abstract class OAuthAccountProvider extends HttpWireProvider {
  constructor(
    config: HttpWireProviderConfig,
    protected readonly deps: OAuthAccountProviderDeps,
  ) {
    super(config, deps.caller, deps.pool, deps.dispatchers, deps.settings);
  }

  /** the GET that tests an account, for its token and account id */
  protected abstract probe(token: string, accountId: string | null): { url: string; headers: Record<string, string> };

  /** the wire's failure classifier */
  protected abstract classifyFailure(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): UpstreamFailure;

  /** what the account's 200 answer to the probe says */
  protected abstract describeAccount(body: unknown): Pick<CredentialTestResult, 'message' | 'models'>;

  override testCredential(credentialId: string): Promise<CredentialTestResult> {
    return probeAccount(
      { ...this.deps, defaultProxy: () => this.deps.settings().proxy },
      credentialId,
      (token, accountId) => this.probe(token, accountId),
      (status, body, headers) => {
        if (status !== 200) {
          const failure = this.classifyFailure(status, body, headers);
          return { success: false, status, message: `${failure.kind}: ${failure.message}` };
        }
        return { success: true, status, ...this.describeAccount(body) };
      },
    );
  }
}
