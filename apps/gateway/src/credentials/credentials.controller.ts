import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config.js';
import { API_KEY_KINDS, CredentialImportService, MAX_FILES_PER_UPLOAD, type ImportResult } from './credential-import.service.js';
import { CREDENTIAL_ACTIONS, CredentialsAdminService, readProxyUrl, type CredentialAction } from './credentials-admin.service.js';

function readAction(value: unknown): CredentialAction {
  if (typeof value === 'string' && (CREDENTIAL_ACTIONS as readonly string[]).includes(value)) return value as CredentialAction;
  throw new GatewayError('invalid_request', `action must be one of ${CREDENTIAL_ACTIONS.join(', ')}`);
}

function intParam(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new GatewayError('invalid_request', `${name} must be a non-negative integer`);
  return n;
}

/** gcli2api's credential management API, behind the panel password. */
@Controller()
@UseGuards(AdminAuthGuard)
export class CredentialsController {
  constructor(
    @Inject(CredentialsAdminService) private readonly admin: CredentialsAdminService,
    @Inject(CredentialImportService) private readonly importer: CredentialImportService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('creds/status')
  status(@Query() q: Record<string, string | undefined>) {
    const status = q.status_filter ?? q.status;
    const cooldown = q.cooldown_filter;
    return this.admin.status({
      ...(intParam(q.offset, 'offset') !== undefined ? { offset: intParam(q.offset, 'offset')! } : {}),
      ...(intParam(q.limit, 'limit') !== undefined ? { limit: intParam(q.limit, 'limit')! } : {}),
      ...(status === 'enabled' || status === 'disabled' || status === 'all' ? { status } : {}),
      ...(cooldown === 'in_cooldown' || cooldown === 'no_cooldown' || cooldown === 'all' ? { cooldown } : {}),
      ...(q.search ? { search: q.search } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
    });
  }

  @Post('creds/action')
  @HttpCode(200)
  async action(@Body() body: { filename?: unknown; action?: unknown; model?: unknown }) {
    if (typeof body?.filename !== 'string' || !body.filename) throw new GatewayError('invalid_request', 'filename is required');
    const message = await this.admin.action(body.filename, readAction(body.action), typeof body.model === 'string' ? body.model : undefined);
    return { message };
  }

  @Post('creds/batch-action')
  @HttpCode(200)
  batch(@Body() body: { filenames?: unknown; action?: unknown }) {
    const names = body?.filenames;
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
      throw new GatewayError('invalid_request', 'filenames must be an array of strings');
    }
    return this.admin.batch(names as string[], readAction(body.action));
  }

  /** Sets (or with `proxy: null` removes) one credential's own outbound proxy. */
  @Post('creds/proxy')
  @HttpCode(200)
  setProxy(@Body() body: { filename?: unknown; proxy?: unknown } | undefined) {
    if (typeof body?.filename !== 'string' || !body.filename) throw new GatewayError('invalid_request', 'filename is required');
    if (!('proxy' in body)) throw new GatewayError('invalid_request', 'proxy is required (a URL, or null to remove it)', { param: 'proxy' });
    return this.admin.setProxy(body.filename, body.proxy);
  }

  @Get('creds/download/:filename')
  async download(@Param('filename') filename: string, @Res() reply: FastifyReply) {
    const file = await this.admin.download(filename);
    void reply
      .header('content-type', 'application/json')
      .header('content-disposition', `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(file, null, 2));
  }

  @Get('creds/download-all')
  async downloadAll(@Res() reply: FastifyReply) {
    const zip = await this.admin.downloadAll();
    void reply
      .header('content-type', 'application/zip')
      .header('content-disposition', 'attachment; filename="credentials.zip"')
      .header('cache-control', 'no-store')
      .send(Buffer.from(zip));
  }

  @Post('creds/fetch-email/:filename')
  @HttpCode(200)
  fetchEmail(@Param('filename') filename: string) {
    return this.admin.fetchEmail(filename);
  }

  @Post('creds/refresh-all-emails')
  @HttpCode(200)
  refreshAllEmails() {
    return this.admin.refreshAllEmails();
  }

  @Post('creds/test/:filename')
  @HttpCode(200)
  test(@Param('filename') filename: string, @Body() body: { model?: unknown } | undefined) {
    return this.admin.test(filename, typeof body?.model === 'string' && body.model ? body.model : undefined);
  }

  @Post(['auth/upload', 'creds/upload'])
  @HttpCode(200)
  async upload(@Req() req: FastifyRequest) {
    if (!req.isMultipart()) throw new GatewayError('invalid_request', 'send multipart/form-data with one or more "files" fields');
    const results: ImportResult[] = [];
    let files = 0;
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      files += 1;
      if (files > MAX_FILES_PER_UPLOAD) {
        await part.toBuffer().catch(() => undefined);
        results.push({ filename: part.filename, status: 'error', message: `at most ${MAX_FILES_PER_UPLOAD} files per upload` });
        continue;
      }
      const content = await part.toBuffer();
      results.push(...(await this.importer.importUpload(part.filename || 'credential.json', content, { source: 'upload' })));
    }
    if (files === 0) throw new GatewayError('invalid_request', 'no files in the upload (use the multipart field "files")');
    const uploaded = results.filter((r) => r.status !== 'error').length;
    return {
      uploaded_count: uploaded,
      total_count: results.length,
      results,
      message: `${uploaded} of ${results.length} credential files imported`,
    };
  }

  /** Adds an API key of a key-based kind (ai-studio, openai-compat, claude, codex). */
  @Post('creds/add')
  @HttpCode(200)
  async add(@Body() body: { kind?: unknown; api_key?: unknown; label?: unknown; proxy?: unknown; provider?: unknown } | undefined) {
    const kind = body?.kind;
    if (typeof kind !== 'string' || !(API_KEY_KINDS as readonly string[]).includes(kind)) {
      throw new GatewayError('invalid_request', `kind must be one of ${API_KEY_KINDS.join(', ')}`);
    }
    if (typeof body?.api_key !== 'string' || body.api_key.trim().length < 8) throw new GatewayError('invalid_request', 'api_key is required');
    readProxyUrl(body.proxy);
    // a typed credential object: the same path as an uploaded {type, api_key, …} file
    const result = await this.importer.importObject(
      '',
      { type: kind, api_key: body.api_key, provider: body.provider, proxy: typeof body.proxy === 'string' && body.proxy ? body.proxy : null, ...(typeof body.label === 'string' ? { label: body.label } : {}) },
      { source: 'upload' },
    );
    if (result.status === 'error') throw new GatewayError('invalid_request', result.message);
    return result;
  }

  @Post('auth/load-env-creds')
  @HttpCode(200)
  async loadEnv() {
    const results = await this.importer.importEnv(this.config.envCredentials);
    const loaded = results.filter((r) => r.status !== 'error').length;
    return { loaded_count: loaded, total_count: results.length, results, message: `${loaded} of ${results.length} env credentials loaded` };
  }

  @Get('auth/env-creds-status')
  envStatus() {
    const available: Record<string, string> = {};
    for (const { name } of this.config.envCredentials) available[name] = '***set***';
    return { available_env_vars: available, auto_load_enabled: true, existing_env_files_count: this.config.envCredentials.length };
  }
}
