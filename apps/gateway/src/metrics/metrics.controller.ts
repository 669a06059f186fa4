import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayMetrics } from './metrics.registry.js';

/** Prometheus scrape endpoint (admin auth: configure the scraper with the panel password as bearer). */
@Controller()
export class MetricsController {
  constructor(@Inject(GatewayMetrics) private readonly metrics: GatewayMetrics) {}

  @Get('metrics')
  @UseGuards(AdminAuthGuard)
  async metricsText(@Res() reply: FastifyReply) {
    void reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(await this.metrics.render());
  }
}
