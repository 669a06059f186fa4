import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  GATEWAY_CONFIG,
  RUNTIME_SETTING_SCHEMAS,
  resolveSettings,
  type GatewayConfig,
  type RuntimeSettingKey,
  type RuntimeSettings,
} from '../config/gateway-config.js';
import { COORDINATION, type Coordination } from '../coordination/coordination.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { SettingsRepository } from './settings.repository.js';
import { pointsToPrivateAddress } from '../upstream/http/private-address.js';

const CHANGED = 'settings:changed';

export interface SaveResult {
  saved: Partial<Record<RuntimeSettingKey, unknown>>;
  hotUpdated: RuntimeSettingKey[];
  restartRequired: RuntimeSettingKey[];
  ignoredEnvLocked: RuntimeSettingKey[];
}

/**
 * The effective runtime settings (env > stored > defaults), held in memory so the hot path reads
 * them without I/O. /config/save writes the stored layer and tells every process to reload.
 */
@Injectable()
export class SettingsService implements OnModuleInit {
  private current: RuntimeSettings;
  private readonly listeners: Array<(s: RuntimeSettings) => void> = [];

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(SettingsRepository) private readonly repository: SettingsRepository,
    @Inject(COORDINATION) private readonly coordination: Coordination,
  ) {
    this.current = resolveSettings(config.envSettings, {});
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.coordination.subscribe(CHANGED, () => void this.reload().catch(() => {}));
  }

  get(): RuntimeSettings {
    return this.current;
  }

  onChange(listener: (s: RuntimeSettings) => void): void {
    this.listeners.push(listener);
  }

  envLocked(): RuntimeSettingKey[] {
    return [...this.config.envLocked];
  }

  async reload(): Promise<void> {
    const stored = await this.repository.readAll();
    this.current = resolveSettings(this.config.envSettings, stored as Partial<Record<RuntimeSettingKey, unknown>>);
    for (const listener of this.listeners) listener(this.current);
  }

  /** Validates and stores a patch of settings; env-locked keys are ignored (gcli2api behaviour). */
  async save(patch: Record<string, unknown>): Promise<SaveResult> {
    const saved: Partial<Record<RuntimeSettingKey, unknown>> = {};
    const problems: string[] = [];
    const ignoredEnvLocked: RuntimeSettingKey[] = [];
    for (const [key, raw] of Object.entries(patch)) {
      if (!(key in RUNTIME_SETTING_SCHEMAS)) continue;
      const settingKey = key as RuntimeSettingKey;
      if (this.config.envLocked.has(settingKey)) {
        ignoredEnvLocked.push(settingKey);
        continue;
      }
      const spec = RUNTIME_SETTING_SCHEMAS[settingKey];
      if (spec.sensitive && raw === MASK) continue;
      if (raw === null || raw === '') {
        saved[settingKey] = null;
        continue;
      }
      const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
      const parsed = spec.schema.safeParse(text);
      if (!parsed.success) {
        problems.push(`${key}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
        continue;
      }
      saved[settingKey] = parsed.data;
    }
    if (!this.config.allowPrivateUpstreams) {
      for (const key of UPSTREAM_URL_SETTINGS) {
        const url = saved[key];
        if (typeof url === 'string' && (await pointsToPrivateAddress(url))) {
          problems.push(`${key}: ${url} points to a private or loopback address; set CLIGATE_ALLOW_PRIVATE_UPSTREAMS=true to allow it`);
        }
      }
    }
    if (problems.length > 0) throw new GatewayError('invalid_request', problems.join('\n'));
    await this.repository.write(saved);
    await this.reload();
    await this.coordination.publish(CHANGED, '1').catch(() => {});
    const keys = Object.keys(saved) as RuntimeSettingKey[];
    return {
      saved,
      hotUpdated: keys.filter((k) => RUNTIME_SETTING_SCHEMAS[k].hot),
      restartRequired: keys.filter((k) => !RUNTIME_SETTING_SCHEMAS[k].hot),
      ignoredEnvLocked,
    };
  }

  /** Current settings for display, secrets masked. */
  describe(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(RUNTIME_SETTING_SCHEMAS) as RuntimeSettingKey[]) {
      const value = this.current[key];
      out[key] = RUNTIME_SETTING_SCHEMAS[key].sensitive && value ? MASK : value;
    }
    return out;
  }
}

export const MASK = '********';

/** Upstream base URLs an admin can change at run time: never toward private ranges unless allowed. */
const UPSTREAM_URL_SETTINGS: readonly RuntimeSettingKey[] = ['code_assist_endpoint', 'oauth_proxy_url', 'googleapis_proxy_url', 'antigravity_api_url', 'antigravity_setup_url', 'antigravity_oauth_url', 'antigravity_googleapis_url', 'ai_studio_base_url', 'claude_api_base_url', 'codex_api_base_url', 'claude_oauth_authorize_url', 'claude_oauth_token_url', 'codex_oauth_issuer', 'codex_chatgpt_base_url'];

