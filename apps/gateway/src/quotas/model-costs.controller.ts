import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ModelCostsService } from './model-costs.service.js';

/** gcli2api V2's model cost table API. Model names may contain "/" (prefixes), so routes use a wildcard. */
@Controller('auth/models')
export class ModelCostsController {
  constructor(@Inject(ModelCostsService) private readonly costs: ModelCostsService) {}

  @Get('costs')
  @UseGuards(AdminAuthGuard)
  list() {
    return this.costs.list();
  }

  @Post('costs')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  async set(@Body() body: { model_name?: unknown; cost?: unknown } | undefined) {
    if (typeof body?.model_name !== 'string') throw new GatewayError('invalid_request', 'model_name is required', { param: 'model_name' });
    if (typeof body.cost !== 'number') throw new GatewayError('invalid_request', 'cost must be a number', { param: 'cost' });
    await this.costs.set(body.model_name, body.cost);
    return { message: 'model cost saved', model_name: body.model_name, cost: body.cost };
  }

  @Delete('costs/*')
  @UseGuards(AdminAuthGuard)
  async remove(@Req() req: FastifyRequest) {
    const name = wildcard(req);
    await this.costs.remove(name);
    return { message: 'model cost removed', model_name: name };
  }

  /** Public: what a model costs per request. */
  @Get('*')
  get(@Req() req: FastifyRequest) {
    const path = wildcard(req);
    if (!path.endsWith('/cost')) throw new GatewayError('not_found', 'use /auth/models/{model}/cost');
    const name = path.slice(0, -'/cost'.length);
    const found = this.costs.lookup(name);
    return { model_name: name, cost: found.cost, is_default: found.isDefault };
  }
}

function wildcard(req: FastifyRequest): string {
  return (req.params as Record<string, string>)['*'] ?? '';
}
