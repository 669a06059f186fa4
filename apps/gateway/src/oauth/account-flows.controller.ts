import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { AccountFlowsService } from './account-flows.service.js';

/**
 * Admin sign-ins of subscription accounts (Claude Code, Codex / ChatGPT):
 * `POST /oauth/{claude|codex}/start` → `{auth_url, state, redirect_uri, …}`; the admin signs in with
 * the account and pastes what the last page shows to `POST /oauth/{claude|codex}/complete`
 * `{state, pasted}`.
 */
@Controller('oauth')
@UseGuards(AdminAuthGuard)
export class AccountFlowsController {
  constructor(@Inject(AccountFlowsService) private readonly flows: AccountFlowsService) {}

  @Get('accounts')
  list() {
    return { types: this.flows.list() };
  }

  @Post(':type/start')
  @HttpCode(200)
  start(@Param('type') type: string) {
    return this.flows.start(type);
  }

  @Post(':type/complete')
  @HttpCode(200)
  complete(@Param('type') type: string, @Body() body: { state?: unknown; pasted?: unknown; code?: unknown; callback_url?: unknown } | undefined) {
    return this.flows.complete(type, { state: body?.state, pasted: body?.pasted ?? body?.callback_url ?? body?.code });
  }
}
