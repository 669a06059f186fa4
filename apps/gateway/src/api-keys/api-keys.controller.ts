import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { RateLimiter } from '../coordination/rate-limiter.js';
import { extractClientKey } from '../relay/client-key.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService, type KeyInput } from './api-keys.service.js';
import { presentKey } from './api-keys.presenter.js';

const QUERY_LIMIT_PER_MINUTE = 20;

/** gcli2api V2's key API (admin) and the self-service quota queries (public / the key itself). */
@Controller('auth')
export class ApiKeysController {
  constructor(
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(ApiKeysRepository) private readonly repository: ApiKeysRepository,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
  ) {}

  @Post('keys')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  async create(@Body() body: unknown) {
    const { apiKey, row } = await this.keys.create(objectBody(body));
    return { ...presentKey(row), api_key: apiKey };
  }

  @Get('keys')
  @UseGuards(AdminAuthGuard)
  async list() {
    const rows = await this.keys.list();
    const stats = await this.repository.modelStats(rows.map((r) => r.id));
    return { total_keys: rows.length, keys: rows.map((r) => presentKey(r, stats.get(r.id))) };
  }

  @Get('keys/:keyOrId')
  @UseGuards(AdminAuthGuard)
  async get(@Param('keyOrId') keyOrId: string) {
    const row = await this.keys.find(keyOrId);
    const stats = await this.repository.modelStats([row.id]);
    return presentKey(row, stats.get(row.id));
  }

  @Patch('keys/:keyOrId')
  @UseGuards(AdminAuthGuard)
  async update(@Param('keyOrId') keyOrId: string, @Body() body: unknown) {
    const row = await this.keys.update(keyOrId, objectBody(body));
    const stats = await this.repository.modelStats([row.id]);
    return presentKey(row, stats.get(row.id));
  }

  @Delete('keys/:keyOrId')
  @UseGuards(AdminAuthGuard)
  async delete(@Param('keyOrId') keyOrId: string) {
    const row = await this.keys.delete(keyOrId);
    return { message: 'API key deleted successfully', api_key: row.prefix, id: row.id };
  }

  @Post('keys/:keyOrId/rebuild')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  async rebuild(@Param('keyOrId') keyOrId: string) {
    const row = await this.keys.rebuild(keyOrId);
    return { message: 'used quota rebuilt from the usage ledger', ...presentKey(row) };
  }

  /** Public: a key's owner checks what is left (rate-limited per address). */
  @Post('query')
  @HttpCode(200)
  async query(@Body() body: { api_key?: unknown } | undefined, @Req() req: FastifyRequest) {
    const limit = await this.limiter.hit('auth-query', req.ip, QUERY_LIMIT_PER_MINUTE, 60_000);
    if (!limit.allowed) {
      throw new GatewayError('rate_limited', 'Too many quota queries from this address; try again shortly.', { retryAfterSeconds: limit.retryAfterSeconds });
    }
    const key = typeof body?.api_key === 'string' ? body.api_key.trim() : '';
    if (!key) throw new GatewayError('invalid_request', 'api_key is required', { param: 'api_key' });
    if (!ApiKeysService.looksLikeKey(key)) throw new GatewayError('not_found', 'API key not found');
    return this.describeForOwner(key);
  }

  /** The key itself (any header form) asks for its own quota. */
  @Get('quota')
  async quota(@Req() req: FastifyRequest) {
    const key = extractClientKey(req);
    if (!key || !ApiKeysService.looksLikeKey(key)) throw new GatewayError('unauthenticated', 'Invalid API key');
    const found = await this.keys.lookup(key);
    if (!found) throw new GatewayError('unauthenticated', 'Invalid API key');
    return this.describeForOwner(key);
  }

  private async describeForOwner(key: string) {
    const row = await this.keys.find(key);
    const [stats, recent] = await Promise.all([this.repository.modelStats([row.id]), this.repository.recent(row.id, 20)]);
    const item = presentKey(row, stats.get(row.id));
    return {
      ...item,
      recent: recent.map((r) => ({ at: r.createdAt.toISOString(), model: r.requestedModel, cost: r.cost, status: r.status, policy: r.policy })),
    };
  }
}

function objectBody(body: unknown): KeyInput {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'the body must be a JSON object');
  return body as KeyInput;
}
