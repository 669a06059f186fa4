import type { UpstreamFailure } from '../../../common/errors/classify-upstream-failure.js';
import { classifyResponsesUpstreamFailure } from '../../../protocols/openai-responses/classify-responses-upstream-failure.js';
import { asRecord, readNumber, readString } from '../../../protocols/json/safe-parse-json.js';
import type { CredentialTestResult, OpenedUpstreamCall, UpstreamCall } from '../../provider.js';
import { CODEX_MODELS } from '../codex/codex-key.provider.js';
import { OAuthAccountProvider, type OAuthAccountProviderDeps } from '../oauth-account.provider.js';
import { CLIGATE_ORIGINATOR } from './codex-oauth.client.js';

/** Subscriptions rank before OpenAI API keys (rank 1) for the same model. */
export const CODEX_OAUTH_RANK = 0;
/**
 * Sent as `instructions` when the client gave no system text: the ChatGPT backend refuses a request
 * without instructions. A neutral line of cligate's own, not the Codex CLI's prompt (docs/upstreams.md §5.7).
 */
export const CODEX_DEFAULT_INSTRUCTIONS = 'You are a helpful assistant.';

/**
 * The headers of a ChatGPT-account call: the bearer token, the account (workspace) the token acts for,
 * and cligate's own originator and User-Agent — never the Codex CLI's `codex_cli_rs` (docs/upstreams.md §5.7).
 */
export function codexOAuthHeaders(accessToken: string, accountId: string | null): Record<string, string> {
  return {
    authorization: `Bearer ${accessToken}`,
    ...(accountId ? { 'chatgpt-account-id': accountId } : {}),
    originator: CLIGATE_ORIGINATOR,
    'user-agent': CLIGATE_ORIGINATOR,
  };
}

/** The usage endpoint beside the Codex backend (`…/backend-api/codex` → `…/backend-api/wham/usage`). */
export function codexUsageUrl(chatgptBaseUrl: string): string {
  return `${chatgptBaseUrl.replace(/\/+$/, '').replace(/\/codex$/, '')}/wham/usage`;
}

/**
 * Codex models through ChatGPT accounts: the ChatGPT backend's `/responses` at
 * `codex_chatgpt_base_url` with the Responses codec's `codex` target (always streamed upstream,
 * `store: false`, `instructions`; a non-streamed client request is answered by folding the stream).
 * `usage_limit_reached` (429 with `resets_at`) becomes a ban window until the reset through the
 * Responses failure classifier.
 */
export class CodexOAuthProvider extends OAuthAccountProvider {
  constructor(deps: OAuthAccountProviderDeps) {
    const models = CODEX_MODELS.map((id) => ({ id, upstreamModel: id }));
    super(
      {
        id: 'codex-oauth',
        kind: 'codex-oauth',
        owner: 'openai',
        wire: 'openai-responses',
        baseUrl: () => deps.settings().codex_chatgpt_base_url,
        path: () => '/responses',
        headers: (lease) => codexOAuthHeaders(lease.accessToken, lease.projectId),
        models: () => models,
        resolve: (model) => (/^(gpt-|codex-|o\d)[\w.-]*$/.test(model) ? model : null),
        encodeOptions: { openaiResponses: { target: 'codex' } },
        rank: () => CODEX_OAUTH_RANK,
      },
      deps,
    );
  }

  override open(call: UpstreamCall): Promise<OpenedUpstreamCall> {
    const hasInstructions = call.request.system.some((part) => part.text.trim() !== '');
    if (hasInstructions) return super.open(call);
    return super.open({ ...call, request: { ...call.request, system: [{ type: 'text', text: CODEX_DEFAULT_INSTRUCTIONS }] } });
  }

  /** The account's plan windows (`/wham/usage`): no generation, no usage spent. */
  protected override probe(token: string, accountId: string | null): { url: string; headers: Record<string, string> } {
    return { url: codexUsageUrl(this.deps.settings().codex_chatgpt_base_url), headers: codexOAuthHeaders(token, accountId) };
  }

  protected override classifyFailure(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): UpstreamFailure {
    return classifyResponsesUpstreamFailure(status, body, headers);
  }

  protected override describeAccount(body: unknown): Pick<CredentialTestResult, 'message'> {
    const record = asRecord(body);
    const limits = asRecord(record?.['rate_limit']);
    const window = (name: string) => readNumber(asRecord(limits?.[name])?.['used_percent']);
    const plan = readString(record?.['plan_type']);
    const parts = [`the account answered${plan ? ` (plan ${plan})` : ''}`];
    const primary = window('primary_window');
    const secondary = window('secondary_window');
    if (primary !== undefined) parts.push(`5-hour window ${primary}% used`);
    if (secondary !== undefined) parts.push(`weekly window ${secondary}% used`);
    return { message: parts.join('; ') };
  }
}
