/** Wire types of the gateway API the panel uses (docs/api.md, gcli2api-compat.md). */

export interface LoginAnswer {
  token: string;
  token_type: 'bearer';
  expires_in: number;
  message?: string;
}

export interface SessionInfo {
  authenticated: boolean;
  method: 'jwt' | 'password';
  expires_at: string | null;
}

export interface ModelCooldown {
  /** epoch seconds */
  until: number;
  remaining_seconds: number;
  reason: string;
}

export interface CredentialItem {
  id: string;
  filename: string;
  backend_type: string;
  user_email: string | null;
  project_id: string | null;
  tier: string | null;
  disabled: boolean;
  disabled_reason: string | null;
  error_codes: number[];
  last_error: { code: number; message: string | null; at: string | null } | null;
  /** epoch seconds */
  last_success: number | null;
  model_cooldowns: Record<string, ModelCooldown>;
  cooldown_status: 'cooling' | 'ready';
  cooldown_until: number | null;
  cooldown_remaining_seconds: number | null;
  call_count: number;
  source?: string;
  /** '********' when the credential has its own outbound proxy (the URL is never shown), else null */
  proxy?: string | null;
  /** the admin-defined provider of an openai-compat key */
  provider?: string | null;
  created_at?: string;
}

export interface CredentialStats {
  total: number;
  normal: number;
  disabled: number;
  cooling: number;
  /** credentials per kind (before the kind filter), when the gateway reports it */
  kinds?: Record<string, number>;
}

export interface CredentialsPage {
  items: CredentialItem[];
  total: number;
  offset: number;
  limit: number;
  has_more: boolean;
  stats: CredentialStats;
}

export type StatusFilter = 'all' | 'enabled' | 'disabled';
export type CooldownFilter = 'all' | 'in_cooldown' | 'no_cooldown';

export interface CredentialsQuery {
  offset: number;
  limit: number;
  status_filter: StatusFilter;
  cooldown_filter: CooldownFilter;
  search: string;
  /** a credential kind (backend_type); empty: every kind */
  kind: string;
}

export type CredentialAction = 'enable' | 'disable' | 'delete' | 'clear_cooldown';

export interface BatchAnswer {
  success_count: number;
  total_count: number;
  errors: string[];
  message: string;
}

export interface UploadResult {
  filename: string;
  status: 'success' | 'updated' | 'error';
  message: string;
  credential?: { id: string; filename: string; email: string | null; project_id: string | null; tier: string | null };
}

export interface UploadAnswer {
  uploaded_count: number;
  total_count: number;
  results: UploadResult[];
  message: string;
}

export interface TestAnswer {
  filename: string;
  model?: string;
  success: boolean;
  /** upstream HTTP status (0: unreachable or no test for this kind) */
  status: number;
  message: string;
  /** the upstream's model list, for kinds tested by listing models */
  models?: string[];
}

/** POST /creds/add: an API key of a key-based kind. */
export interface AddKeyInput {
  kind: string;
  api_key: string;
  label?: string;
  proxy?: string;
  /** the provider of an openai-compat key */
  provider?: string;
}

export interface ProxyAnswer {
  filename: string;
  proxy: string | null;
  message: string;
}

export type ProviderWire = 'openai-chat' | 'anthropic-messages' | 'openai-responses';

/** An admin-defined upstream (GET /providers). Header values come back masked. */
export interface ProviderItem {
  name: string;
  wire: ProviderWire;
  base_url: string;
  models: Array<{ id: string; upstream: string }>;
  prefix: string | null;
  headers: Record<string, string>;
  /** the proxy URL with its password masked, or null */
  proxy: string | null;
  enabled: boolean;
  keys: { enabled: number; total: number };
  created_at: string;
  updated_at: string;
}

export interface ProvidersList {
  providers: ProviderItem[];
}

export interface ProviderInput {
  name?: string;
  base_url?: string;
  wire?: ProviderWire;
  models?: string[];
  prefix?: string | null;
  headers?: Record<string, string>;
  proxy?: string | null;
  enabled?: boolean;
  api_keys?: string[];
}

export interface ProviderCreated {
  provider: ProviderItem;
  keys: UploadResult[];
}

export interface ProviderKeysAnswer {
  provider: string;
  results: UploadResult[];
}

/** POST /providers/{name}/test: the model listing with the provider's first enabled key. */
export interface ProviderTestAnswer {
  provider: string;
  credential: string;
  success: boolean;
  status: number;
  message: string;
  models?: string[];
}

/** GET /oauth/accounts: the kinds an admin adds by signing in (Claude Code, Codex / ChatGPT). */
export interface OAuthAccountType {
  type: string;
  label: string;
  /** `/oauth/claude`, `/oauth/codex` */
  path: string;
}

/** POST /oauth/{claude|codex}/start */
export interface AccountSignInStart {
  type: string;
  label: string;
  auth_url: string;
  state: string;
  redirect_uri: string;
  expires_in: number;
}

/** One model of an Antigravity account with its quota (GET /antigravity/models). */
export interface AntigravityModel {
  id: string;
  display_name: string | null;
  /** MODEL_PROVIDER_GOOGLE, MODEL_PROVIDER_ANTHROPIC, MODEL_PROVIDER_OPENAI, … */
  provider: string | null;
  max_output_tokens: number | null;
  /** 0..1, null when the upstream reports no quota */
  remaining_fraction: number | null;
  /** ISO, when the quota resets */
  reset_time: string | null;
}

export interface AntigravityAccountModels {
  filename: string;
  email: string | null;
  project_id: string | null;
  disabled: boolean;
  /** when the models were last listed (null: not yet) */
  fetched_at: string | number | null;
  /** why the last listing failed */
  error: string | null;
  models: AntigravityModel[];
}

export interface AntigravityModelsAnswer {
  credentials: AntigravityAccountModels[];
}

export interface AntigravityRefreshAnswer extends AntigravityModelsAnswer {
  refreshed: number;
  failed: number;
}

export interface FetchEmailAnswer {
  filename: string;
  user_email: string;
  message: string;
}

export interface SettingMeta {
  env: string;
  hot: boolean;
  sensitive: boolean;
}

export interface ConfigAnswer {
  config: Record<string, unknown>;
  env_locked: string[];
  meta: Record<string, SettingMeta>;
}

export interface ConfigSaveAnswer {
  message: string;
  saved_config: Record<string, unknown>;
  hot_updated: string[];
  restart_required: string[];
  env_locked_ignored: string[];
  restart_notice?: string;
}

export interface DonationInfo {
  enabled: boolean;
  password_required: boolean;
  redirect_uri: string;
  flow_ttl_seconds: number;
}

/** An account kind the /auth page can add (GET /auth/account-types). */
export interface AccountType {
  type: string;
  label: string;
}

export interface DonationStart {
  /** the account kind the flow adds */
  type?: string;
  auth_url: string;
  state: string;
  redirect_uri: string;
  expires_in: number;
  loopback: boolean;
}

export interface DonationSuccess {
  status: 'success' | 'updated';
  credentials: { filename: string; email: string | null; project_id: string | null; tier: string | null };
  message: string;
}

export interface DonationFailure {
  detail: string;
  code: string;
  requires_manual_project_id: boolean;
  validation_url?: string;
}

export interface DonationStatus {
  state: string;
  status: 'pending' | 'completing' | 'success' | 'updated' | 'error';
  expires_at: string;
  result: DonationSuccess | null;
  error: DonationFailure | null;
}

export interface ApiKeyItem {
  /** the masked key (prefix) in lists; the full key only in the create answer */
  api_key: string;
  id: string;
  prefix: string;
  total_quota: number;
  used_quota: number;
  remaining_quota: number;
  usage_percentage: number;
  created_at: string;
  description: string | null;
  enabled: boolean;
  expires_at: string | null;
  allowed_models: string[];
  rpm_limit: number | null;
  last_used_at: string | null;
  model_stats: Record<string, number>;
}

export interface KeysList {
  total_keys: number;
  keys: ApiKeyItem[];
}

export interface KeyCreateInput {
  total_quota: number;
  description?: string | null;
  expires_at?: string | null;
  allowed_models?: string[];
  rpm_limit?: number | null;
}

export interface KeyUpdateInput {
  total_quota?: number;
  add_quota?: number;
  description?: string | null;
  enabled?: boolean;
  expires_at?: string | null;
  allowed_models?: string[];
  rpm_limit?: number | null;
}

export interface ModelCosts {
  default_cost: number;
  model_costs: Record<string, number>;
}

export interface KeyQueryActivity {
  at: string;
  model: string;
  cost: number;
  status: string | number;
}

export interface KeyQueryAnswer {
  api_key: string;
  total_quota: number;
  used_quota: number;
  remaining_quota: number;
  usage_percentage: number;
  created_at: string;
  description: string | null;
  enabled: boolean;
  expires_at: string | null;
  model_stats: Record<string, number>;
  recent: KeyQueryActivity[];
}

export type UsageGroupBy = 'day' | 'model' | 'key' | 'credential';

export interface UsageRow {
  /** the day (YYYY-MM-DD), model, key id or credential id; null: requests without one (e.g. the API password) */
  group: string | null;
  requests: number;
  cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** a readable name for the group (key description, credential email), when the gateway gives one */
  label?: string | null;
}

export interface UsageStats {
  success: boolean;
  data: UsageRow[];
}

export interface UsageTotals {
  total_requests: number;
  total_cost: number;
  total_tokens: number;
  requests_today: number;
  active_keys: number;
  credentials: number;
}

export interface UsageAggregated {
  success: boolean;
  data: UsageTotals;
}

export type JobsBackend = 'bullmq' | 'in-process';

/** One background job as the answering gateway process knows it (GET /jobs/status). */
export interface JobInfo {
  name: string;
  /** how often it runs */
  everyMs: number;
  /** ISO; null: not run by this process yet */
  lastRunAt: string | null;
  lastResult: Record<string, unknown> | null;
  lastError: string | null;
  runs: number;
  failures: number;
}

/** A run that failed after its last retry. */
export interface JobFailure {
  name: string;
  /** ISO */
  at: string;
  error: string;
  attempts: number;
}

export interface JobsStatus {
  backend: JobsBackend;
  /** bullmq: waiting, active, delayed, completed, failed; in-process: running */
  counts: Record<string, number>;
  failed: JobFailure[];
  jobs: JobInfo[];
}

/** POST /jobs/{name}/run */
export interface JobRunAnswer {
  name: string;
  result: Record<string, unknown> | null;
}
