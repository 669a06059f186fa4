import { apiFetch, apiJson, buildUrl, toApiError, ApiError } from './http';
import { clearSession, saveSession, sessionToken } from './session';
import type {
  AccountSignInStart,
  AddKeyInput,
  AntigravityModelsAnswer,
  AntigravityRefreshAnswer,
  ApiKeyItem,
  BatchAnswer,
  ConfigAnswer,
  ConfigSaveAnswer,
  CredentialAction,
  CredentialsPage,
  CredentialsQuery,
  AccountType,
  DonationInfo,
  DonationStart,
  DonationStatus,
  DonationSuccess,
  FetchEmailAnswer,
  JobRunAnswer,
  JobsStatus,
  KeyCreateInput,
  KeyQueryAnswer,
  KeysList,
  KeyUpdateInput,
  LoginAnswer,
  ModelCosts,
  OAuthAccountType,
  ProviderCreated,
  ProviderInput,
  ProviderItem,
  ProviderKeysAnswer,
  ProvidersList,
  ProviderTestAnswer,
  ProxyAnswer,
  SessionInfo,
  TestAnswer,
  UploadAnswer,
  UploadResult,
  UsageAggregated,
  UsageGroupBy,
  UsageStats,
} from './types';

const enc = encodeURIComponent;

/** Uploads with progress (fetch cannot report upload progress): multipart field "files". */
function uploadWithProgress(files: File[], onProgress?: (fraction: number) => void): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const file of files) form.append('files', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/auth/upload');
    const token = sessionToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The gateway cannot be reached.', null));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { 'retry-after': xhr.getResponseHeader('retry-after') ?? '' },
      });
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as UploadAnswer);
        return;
      }
      if (xhr.status === 401) {
        clearSession();
        window.dispatchEvent(new Event('cligate:unauthorized'));
      }
      void toApiError(response).then(reject, reject);
    };
    xhr.send(form);
  });
}

async function blob(path: string): Promise<Blob> {
  return (await apiFetch(path)).blob();
}

/** The typed client of the gateway for every page of the panel. */
export const api = {
  auth: {
    async login(password: string): Promise<LoginAnswer> {
      const answer = await apiJson<LoginAnswer>('/auth/login', { body: { password }, auth: 'none' });
      saveSession(answer.token, answer.expires_in);
      return answer;
    },
    async logout(): Promise<void> {
      try {
        await apiFetch('/auth/logout', { method: 'POST', body: {} });
      } finally {
        clearSession();
      }
    },
    session: (signal?: AbortSignal) => apiJson<SessionInfo>('/auth/session', { signal }),
  },
  credentials: {
    status: (q: CredentialsQuery, signal?: AbortSignal) => apiJson<CredentialsPage>('/creds/status', { query: { ...q }, signal }),
    action: (filename: string, action: CredentialAction, model?: string) =>
      apiJson<{ message: string }>('/creds/action', { body: { filename, action, ...(model ? { model } : {}) } }),
    batch: (filenames: string[], action: CredentialAction) => apiJson<BatchAnswer>('/creds/batch-action', { body: { filenames, action } }),
    test: (filename: string) => apiJson<TestAnswer>(`/creds/test/${enc(filename)}`, { method: 'POST', body: {} }),
    fetchEmail: (filename: string) => apiJson<FetchEmailAnswer>(`/creds/fetch-email/${enc(filename)}`, { method: 'POST', body: {} }),
    download: (filename: string) => blob(`/creds/download/${enc(filename)}`),
    downloadAll: () => blob('/creds/download-all'),
    upload: uploadWithProgress,
    /** an API key of a key-based kind (ai-studio, openai-compat, claude, codex, …) */
    add: (input: AddKeyInput) => apiJson<UploadResult>('/creds/add', { body: input }),
    /** the credential's own outbound proxy; null removes it */
    setProxy: (filename: string, proxy: string | null) => apiJson<ProxyAnswer>('/creds/proxy', { body: { filename, proxy } }),
  },
  providers: {
    list: (signal?: AbortSignal) => apiJson<ProvidersList>('/providers', { signal }),
    get: (name: string, signal?: AbortSignal) => apiJson<ProviderItem>(`/providers/${enc(name)}`, { signal }),
    create: (input: ProviderInput) => apiJson<ProviderCreated>('/providers', { body: input }),
    update: (name: string, input: ProviderInput) => apiJson<{ provider: ProviderItem }>(`/providers/${enc(name)}`, { method: 'PATCH', body: input }),
    remove: (name: string) => apiJson<{ deleted: string }>(`/providers/${enc(name)}`, { method: 'DELETE' }),
    addKeys: (name: string, input: { api_keys: string[]; label?: string; proxy?: string }) =>
      apiJson<ProviderKeysAnswer>(`/providers/${enc(name)}/keys`, { body: input }),
    test: (name: string) => apiJson<ProviderTestAnswer>(`/providers/${enc(name)}/test`, { method: 'POST', body: {} }),
  },
  /** admin sign-ins of subscription accounts (Claude Code, Codex / ChatGPT) */
  accounts: {
    types: (signal?: AbortSignal) => apiJson<{ types: OAuthAccountType[] }>('/oauth/accounts', { signal }),
    /** `name`: claude or codex (the kind without "-oauth") */
    start: (name: string) => apiJson<AccountSignInStart>(`/oauth/${enc(name)}/start`, { method: 'POST', body: {} }),
    complete: (name: string, input: { state: string; pasted: string }) => apiJson<UploadResult>(`/oauth/${enc(name)}/complete`, { body: input }),
  },
  /** Antigravity accounts' models and quotas */
  antigravity: {
    models: (signal?: AbortSignal) => apiJson<AntigravityModelsAnswer>('/antigravity/models', { signal }),
    refresh: () => apiJson<AntigravityRefreshAnswer>('/antigravity/models/refresh', { method: 'POST', body: {} }),
  },
  config: {
    get: (signal?: AbortSignal) => apiJson<ConfigAnswer>('/config/get', { signal }),
    save: (config: Record<string, unknown>) => apiJson<ConfigSaveAnswer>('/config/save', { body: { config } }),
  },
  donation: {
    info: (signal?: AbortSignal) => apiJson<DonationInfo>('/auth/donation-info', { auth: 'none', signal }),
    accountTypes: (signal?: AbortSignal) => apiJson<{ types: AccountType[] }>('/auth/account-types', { auth: 'none', signal }),
    start: (input: { type?: string; project_id?: string; password?: string }) => apiJson<DonationStart>('/auth/start', { body: input, auth: 'optional' }),
    callbackUrl: (input: { callback_url: string; project_id?: string }) =>
      apiJson<DonationSuccess>('/auth/callback-url', { body: input, auth: 'none' }),
    status: (state: string, signal?: AbortSignal) => apiJson<DonationStatus>(`/auth/status/${enc(state)}`, { auth: 'none', signal }),
  },
  keys: {
    list: (signal?: AbortSignal) => apiJson<KeysList>('/auth/keys', { signal }),
    create: (input: KeyCreateInput) => apiJson<ApiKeyItem>('/auth/keys', { body: input }),
    update: (id: string, input: KeyUpdateInput) => apiJson<ApiKeyItem>(`/auth/keys/${enc(id)}`, { method: 'PATCH', body: input }),
    remove: (id: string) => apiJson<{ message: string }>(`/auth/keys/${enc(id)}`, { method: 'DELETE' }),
    query: (apiKey: string) => apiJson<KeyQueryAnswer>('/auth/query', { body: { api_key: apiKey }, auth: 'none' }),
  },
  costs: {
    list: (signal?: AbortSignal) => apiJson<ModelCosts>('/auth/models/costs', { signal }),
    set: (model: string, cost: number) => apiJson<{ message: string }>('/auth/models/costs', { body: { model_name: model, cost } }),
    remove: (model: string) =>
      apiJson<{ message: string }>(`/auth/models/costs/${model.split('/').map(enc).join('/')}`, { method: 'DELETE' }),
  },
  usage: {
    stats: (groupBy: UsageGroupBy, days: number, signal?: AbortSignal) =>
      apiJson<UsageStats>('/usage/stats', { query: { group_by: groupBy, days }, signal }),
    aggregated: (days: number, signal?: AbortSignal) => apiJson<UsageAggregated>('/usage/aggregated', { query: { days }, signal }),
  },
  jobs: {
    status: (signal?: AbortSignal) => apiJson<JobsStatus>('/jobs/status', { signal }),
    /** runs a job now and answers when it has finished (500 `{detail}` when it failed) */
    run: (name: string) => apiJson<JobRunAnswer>(`/jobs/${enc(name)}/run`, { method: 'POST', body: {} }),
  },
  /** ws(s)://<this origin>/ws/logs */
  logSocketUrl(): string {
    const { protocol, host } = window.location;
    return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws/logs`;
  },
  buildUrl,
};

export { ApiError };
