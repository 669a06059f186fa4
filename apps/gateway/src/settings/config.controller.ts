import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../admin-auth/admin-auth.guard.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { RUNTIME_SETTING_SCHEMAS, type RuntimeSettingKey } from '../config/gateway-config.js';
import { SettingsService } from './settings.service.js';

/** gcli2api's /config/get and /config/save. Env-set keys are locked; secrets are masked. */
@Controller('config')
@UseGuards(AdminAuthGuard)
export class ConfigController {
  constructor(@Inject(SettingsService) private readonly settings: SettingsService) {}

  @Get('get')
  get() {
    const keys = Object.keys(RUNTIME_SETTING_SCHEMAS) as RuntimeSettingKey[];
    return {
      config: this.settings.describe(),
      env_locked: this.settings.envLocked(),
      meta: Object.fromEntries(
        keys.map((k) => [k, { env: RUNTIME_SETTING_SCHEMAS[k].env, hot: RUNTIME_SETTING_SCHEMAS[k].hot, sensitive: RUNTIME_SETTING_SCHEMAS[k].sensitive }]),
      ),
    };
  }

  @Post('save')
  @HttpCode(200)
  async save(@Body() body: { config?: unknown }) {
    const patch = body?.config;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new GatewayError('invalid_request', 'body must be {"config": {...}}');
    }
    const result = await this.settings.save(patch as Record<string, unknown>);
    return {
      message: 'configuration saved',
      saved_config: Object.fromEntries(
        Object.entries(result.saved).map(([k, v]) => [k, RUNTIME_SETTING_SCHEMAS[k as RuntimeSettingKey].sensitive && v ? '********' : v]),
      ),
      hot_updated: result.hotUpdated,
      restart_required: result.restartRequired,
      env_locked_ignored: result.ignoredEnvLocked,
      ...(result.restartRequired.length > 0 ? { restart_notice: `restart the gateway to apply: ${result.restartRequired.join(', ')}` } : {}),
    };
  }
}
