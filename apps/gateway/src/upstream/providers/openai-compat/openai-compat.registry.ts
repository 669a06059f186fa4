import type { RuntimeSettings } from '../../../config/gateway-config.js';
import type { Coordination } from '../../../coordination/coordination.js';
import { CredentialPoolService, type PoolDirectory } from '../../../credentials/credential-pool.service.js';
import type { CredentialStateRepository } from '../../../credentials/credential-state.repository.js';
import type { CredentialsRepository } from '../../../credentials/credentials.repository.js';
import type { LeaseAuthorizer } from '../../../credentials/lease-authorizer.js';
import type { Logger } from '../../../logging/logger.js';
import type { GatewayMetrics } from '../../../metrics/metrics.registry.js';
import { getUpstreamCodec } from '../../../protocols/upstream-codecs.js';
import { CodeAssistCaller } from '../../../relay/code-assist-caller.js';
import type { Dispatchers } from '../../http/dispatchers.js';
import type { CredentialTestResult, UpstreamProvider } from '../../provider.js';
import { GatewayError } from '../../../common/errors/gateway-error.js';
import { HttpWireProvider, wireKeyHeaders, wirePath } from '../http-wire.provider.js';
import { PROVIDERS_CHANGED, type ProviderDefinition, type ProviderDefinitionsService } from './provider-definitions.service.js';

export interface OpenAiCompatRegistryDeps {
  definitions: ProviderDefinitionsService;
  credentials: CredentialsRepository;
  state: CredentialStateRepository;
  coordination: Coordination;
  directory: PoolDirectory;
  authorizer: LeaseAuthorizer;
  dispatchers: Dispatchers;
  settings: () => RuntimeSettings;
  logger: Logger;
  metrics: GatewayMetrics;
}

interface Entry {
  pool: CredentialPoolService;
  caller: CodeAssistCaller;
  provider: HttpWireProvider;
  definition: ProviderDefinition;
}

/**
 * The admin-defined providers of this process: one HttpWireProvider, credential pool and caller per
 * enabled definition. Rebuilt when any process says the definitions changed (and every 30 s); pools
 * and callers survive edits of their provider, so rotation state and circuit breakers carry over.
 */
export class OpenAiCompatRegistry {
  private entries = new Map<string, Entry>();
  private list: UpstreamProvider[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OpenAiCompatRegistryDeps) {}

  async start(): Promise<void> {
    this.deps.coordination.subscribe(PROVIDERS_CHANGED, () => void this.reload().catch((error: Error) => this.deps.logger.warn({ err: error.message }, 'provider reload failed')));
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(() => {}), 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const entry of this.entries.values()) await this.retire(entry);
    this.entries.clear();
    this.list = [];
  }

  /** The providers to route to (enabled definitions only). */
  providers(): readonly UpstreamProvider[] {
    return this.list;
  }

  /** The pool of a provider (by name), for admin views. */
  pool(name: string): CredentialPoolService | undefined {
    return [...this.entries.values()].find((e) => e.definition.name === name)?.pool;
  }

  /** The admin test of a provider: its model listing with its first enabled key. */
  async test(providerId: string): Promise<CredentialTestResult & { provider: string; credential: string }> {
    await this.reload();
    const entry = this.entries.get(providerId);
    if (!entry) throw new GatewayError('invalid_request', 'the provider is disabled; enable it to test it');
    const credential = entry.pool.enabledIds()[0];
    if (!credential) throw new GatewayError('invalid_request', `the provider ${entry.definition.name} has no enabled API key; add one first`);
    return { provider: entry.definition.name, credential, ...(await entry.provider.testCredential(credential)) };
  }

  /** Re-reads the definitions (passes run one after another, never two at once). */
  reload(): Promise<void> {
    const run = this.chain.catch(() => {}).then(() => this.rebuild());
    this.chain = run;
    return run;
  }

  private async rebuild(): Promise<void> {
    const definitions = (await this.deps.definitions.list()).filter((d) => d.enabled);
    const next = new Map<string, Entry>();
    for (const definition of definitions) {
      const existing = this.entries.get(definition.id);
      if (existing) {
        existing.definition = definition;
        existing.provider = this.buildProvider(definition, existing.caller, existing.pool);
        next.set(definition.id, existing);
        continue;
      }
      const pool = new CredentialPoolService('openai-compat', this.deps.credentials, this.deps.state, this.deps.coordination, this.deps.logger, definition.id);
      pool.setAuthorizer(this.deps.authorizer);
      pool.joinDirectory(this.deps.directory);
      await pool.start();
      const codec = getUpstreamCodec(definition.wire);
      const caller = new CodeAssistCaller(pool, null, this.deps.settings, this.deps.logger, this.deps.metrics, (status, body, headers) =>
        codec.classifyFailure(status, body, headers),
      );
      next.set(definition.id, { pool, caller, definition, provider: this.buildProvider(definition, caller, pool) });
    }
    for (const [id, entry] of this.entries) if (!next.has(id)) await this.retire(entry);
    this.entries = next;
    this.list = [...next.values()].map((e) => e.provider);
  }

  private buildProvider(definition: ProviderDefinition, caller: CodeAssistCaller, pool: CredentialPoolService): HttpWireProvider {
    const path = wirePath(definition.wire);
    return new HttpWireProvider(
      {
        id: definition.name,
        kind: 'openai-compat',
        owner: definition.name,
        wire: definition.wire,
        baseUrl: () => definition.baseUrl,
        path: () => path,
        // the admin's extra headers first: the key's auth header is not theirs to replace
        headers: (lease) => ({ ...definition.headers, ...wireKeyHeaders(definition.wire, lease.accessToken) }),
        models: () => definition.models,
        prefix: () => definition.prefix,
        proxy: () => definition.proxyUrl,
        passthrough: true,
        // a Responses-speaking provider is the platform API shape, not the ChatGPT Codex backend
        ...(definition.wire === 'openai-responses' ? { encodeOptions: { openaiResponses: { target: 'openai' as const } } } : {}),
        // admin-defined providers come after the built-in pools for a model both serve
        rank: () => 2,
      },
      caller,
      pool,
      this.deps.dispatchers,
      this.deps.settings,
    );
  }

  private async retire(entry: Entry): Promise<void> {
    this.deps.directory.remove(entry.pool);
    await entry.pool.stop();
  }
}
