import { Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../../admin-auth/admin-auth.guard.js';
import { AntigravityAdminService } from './antigravity-admin.service.js';

/** Antigravity accounts' models and quotas (fetchAvailableModels), behind the panel password. */
@Controller('antigravity')
@UseGuards(AdminAuthGuard)
export class AntigravityController {
  constructor(@Inject(AntigravityAdminService) private readonly admin: AntigravityAdminService) {}

  /** Every Antigravity account with the models it lists, their remaining quota fraction and reset time. */
  @Get('models')
  models() {
    return this.admin.models();
  }

  /** Lists every enabled account's models again now (exhausted models are banned until their reset). */
  @Post('models/refresh')
  @HttpCode(200)
  refresh() {
    return this.admin.refresh();
  }
}
