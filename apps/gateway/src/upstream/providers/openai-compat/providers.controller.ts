import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../../../common/errors/gateway-error.js';
import { CredentialImportService, type ImportResult } from '../../../credentials/credential-import.service.js';
import { readProxyUrl } from '../../../credentials/credentials-admin.service.js';
import { ProviderDefinitionsService } from './provider-definitions.service.js';
import { OpenAiCompatRegistry } from './openai-compat.registry.js';

interface KeyBody {
  api_key?: unknown;
  api_keys?: unknown;
  label?: unknown;
  proxy?: unknown;
}

function readKeys(body: KeyBody | undefined): string[] {
  const keys = body?.api_keys !== undefined ? body.api_keys : body?.api_key !== undefined ? [body.api_key] : [];
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string' || k.trim().length < 8)) {
    throw new GatewayError('invalid_request', 'api_key (or api_keys, a list) is required; a key is at least 8 characters', { param: 'api_key' });
  }
  return keys as string[];
}

/**
 * Admin-defined upstreams (OpenAI-compatible servers and other Chat Completions / Messages /
 * Responses speakers): CRUD, their API keys, and a reachability test. Keys are ordinary credentials
 * afterwards (listed, enabled, disabled, downloaded through /creds/*).
 */
@Controller('providers')
@UseGuards(AdminAuthGuard)
export class ProvidersController {
  constructor(
    @Inject(ProviderDefinitionsService) private readonly definitions: ProviderDefinitionsService,
    @Inject(OpenAiCompatRegistry) private readonly registry: OpenAiCompatRegistry,
    @Inject(CredentialImportService) private readonly importer: CredentialImportService,
  ) {}

  @Get()
  async list() {
    return { providers: await this.definitions.describeAll() };
  }

  @Get(':name')
  one(@Param('name') name: string) {
    return this.definitions.describeOne(name);
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown) {
    const { row, apiKeys } = await this.definitions.create(body);
    const keys: ImportResult[] = [];
    for (const key of apiKeys) keys.push(await this.importer.importApiKey('openai-compat', key, { source: 'upload', providerId: row.id }));
    await this.registry.reload();
    return { provider: await this.definitions.describeOne(row.name), keys };
  }

  @Patch(':name')
  async update(@Param('name') name: string, @Body() body: unknown) {
    const row = await this.definitions.update(name, body);
    await this.registry.reload();
    return { provider: await this.definitions.describeOne(row.name) };
  }

  @Delete(':name')
  async remove(@Param('name') name: string) {
    await this.definitions.remove(name);
    await this.registry.reload();
    return { deleted: name };
  }

  @Post(':name/keys')
  @HttpCode(200)
  async addKeys(@Param('name') name: string, @Body() body: KeyBody | undefined) {
    const row = await this.definitions.require(name);
    const label = typeof body?.label === 'string' ? body.label : undefined;
    const proxy = readProxyUrl(body?.proxy);
    const results: ImportResult[] = [];
    for (const key of readKeys(body)) {
      results.push(await this.importer.importApiKey('openai-compat', key, { source: 'upload', providerId: row.id, proxyUrl: proxy, ...(label ? { label } : {}) }));
    }
    return { provider: row.name, results };
  }

  /** Lists the upstream's models with the provider's first usable key (is the base URL and key right?). */
  @Post(':name/test')
  @HttpCode(200)
  async test(@Param('name') name: string) {
    const row = await this.definitions.require(name);
    return this.registry.test(row.id);
  }
}
