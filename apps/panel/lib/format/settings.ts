/** How the settings editor groups and edits the gateway's runtime settings (keys from /config/get). */
export type SettingGroup = 'access' | 'donation' | 'google' | 'antigravity' | 'anthropic' | 'openai' | 'network' | 'rotation' | 'behaviour' | 'server' | 'other';

/**
 * Every runtime setting of the gateway (RUNTIME_SETTING_SCHEMAS in apps/gateway/src/config/gateway-config.ts)
 * has its place here and a label in lib/i18n (`setting.<key>`); a test keeps both in step with the gateway.
 * Settings the panel does not know yet still show, under "other", by their key.
 */
export const SETTING_GROUPS: Record<Exclude<SettingGroup, 'other'>, readonly string[]> = {
  access: ['password', 'api_password', 'panel_password', 'api_password_enabled'],
  donation: ['donation_enabled', 'donation_password'],
  google: ['code_assist_endpoint', 'oauth_proxy_url', 'googleapis_proxy_url', 'ai_studio_base_url'],
  antigravity: ['antigravity_api_url', 'antigravity_setup_url', 'antigravity_oauth_url', 'antigravity_googleapis_url'],
  anthropic: ['claude_api_base_url', 'claude_oauth_authorize_url', 'claude_oauth_token_url'],
  openai: ['codex_api_base_url', 'codex_oauth_issuer', 'codex_chatgpt_base_url'],
  network: ['proxy', 'remote_media_fetch'],
  rotation: ['model_routing', 'calls_per_rotation', 'auto_ban_enabled', 'auto_ban_error_codes', 'retry_429_enabled', 'retry_429_max_retries', 'retry_429_interval'],
  behaviour: ['compatibility_mode_enabled', 'return_thoughts_to_frontend', 'anti_truncation_max_attempts', 'gemini_cli_relay_enabled'],
  server: ['log_level', 'usage_retention_days', 'host', 'port'],
};

/** Settings edited with a list of choices (the gateway refuses anything else). */
export const SETTING_CHOICES: Readonly<Record<string, readonly string[]>> = {
  log_level: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
  remote_media_fetch: ['off', 'public', 'any'],
};

export const SECRET_MASK = '********';

export function groupSettings(keys: string[]): Array<{ group: SettingGroup; keys: string[] }> {
  const known = new Set(Object.values(SETTING_GROUPS).flat());
  const out: Array<{ group: SettingGroup; keys: string[] }> = [];
  for (const [group, list] of Object.entries(SETTING_GROUPS) as Array<[SettingGroup, readonly string[]]>) {
    const present = list.filter((k) => keys.includes(k));
    if (present.length) out.push({ group, keys: present });
  }
  const other = keys.filter((k) => !known.has(k)).sort();
  if (other.length) out.push({ group: 'other', keys: other });
  return out;
}

export type SettingKind = 'boolean' | 'number' | 'list' | 'secret' | 'text';

export function settingKind(value: unknown, sensitive: boolean): SettingKind {
  if (sensitive) return 'secret';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (Array.isArray(value)) return 'list';
  return 'text';
}

/** The form value of a setting (secrets start empty: "unchanged"). */
export function toFormValue(value: unknown, kind: SettingKind): string | boolean {
  if (kind === 'boolean') return value === true;
  if (kind === 'secret') return '';
  if (kind === 'list') return Array.isArray(value) ? value.join(', ') : '';
  if (value === null || value === undefined) return '';
  // structured settings (model_routing) are edited as JSON
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The /config/save patch: only settings whose form value differs from what was loaded. A secret is
 * sent only when typed in (or explicitly cleared); an empty field means "back to the default".
 */
export function buildSettingsPatch(
  original: Record<string, string | boolean>,
  draft: Record<string, string | boolean>,
  kinds: Record<string, SettingKind>,
  clearedSecrets: ReadonlySet<string>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(draft)) {
    const kind = kinds[key];
    if (kind === 'secret') {
      if (clearedSecrets.has(key)) patch[key] = '';
      else if (typeof value === 'string' && value !== '') patch[key] = value;
      continue;
    }
    if (value === original[key]) continue;
    patch[key] = typeof value === 'string' ? value.trim() : value;
  }
  for (const key of clearedSecrets) if (!(key in patch)) patch[key] = '';
  return patch;
}
