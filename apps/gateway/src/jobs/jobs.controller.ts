import { Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { JOB_RUNNER, type JobRunner } from './job-runner.js';

/** Queue state and failures of the background jobs (panel), and "run now". */
@Controller('jobs')
@UseGuards(AdminAuthGuard)
export class JobsController {
  constructor(@Inject(JOB_RUNNER) private readonly runner: JobRunner) {}

  @Get('status')
  status() {
    return this.runner.state();
  }

  @Post(':name/run')
  @HttpCode(200)
  async run(@Param('name') name: string) {
    try {
      return { name, result: (await this.runner.runNow(name)) ?? null };
    } catch (error) {
      if ((error as Error).message.startsWith('unknown job')) throw new GatewayError('not_found', `no job named ${name}`);
      throw new GatewayError('upstream_unavailable', `job ${name} failed: ${(error as Error).message}`, { status: 500 });
    }
  }
}
