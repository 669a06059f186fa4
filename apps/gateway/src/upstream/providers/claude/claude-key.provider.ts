import type { RuntimeSettings } from '../../../config/gateway-config.js';
import type { CredentialPoolService } from '../../../credentials/credential-pool.service.js';
import type { CodeAssistCaller } from '../../../relay/code-assist-caller.js';
import type { Dispatchers } from '../../http/dispatchers.js';
import { HttpWireProvider, wireKeyHeaders } from '../http-wire.provider.js';

/** Claude models listed in /v1/models when Claude keys are pooled (any `claude-*` name is routed). */
export const CLAUDE_MODELS: readonly string[] = Object.freeze([
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-opus-4-5',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-1',
  'claude-sonnet-4-0',
]);

/**
 * Claude through Anthropic API keys: the Messages API at `claude_api_base_url`, `x-api-key` and
 * `anthropic-version` (what Anthropic's SDKs send), failures classified from Anthropic's error
 * bodies and rate-limit headers into ban windows.
 */
export function createClaudeKeyProvider(caller: CodeAssistCaller, pool: CredentialPoolService, dispatchers: Dispatchers, settings: () => RuntimeSettings): HttpWireProvider {
  const models = CLAUDE_MODELS.map((id) => ({ id, upstreamModel: id }));
  return new HttpWireProvider(
    {
      id: 'claude',
      kind: 'claude',
      owner: 'anthropic',
      wire: 'anthropic-messages',
      baseUrl: () => settings().claude_api_base_url,
      path: () => '/v1/messages',
      headers: (lease) => wireKeyHeaders('anthropic-messages', lease.accessToken),
      models: () => models,
      passthrough: true,
      resolve: (model) => (/^claude-[\w.-]+$/.test(model) ? model : null),
    },
    caller,
    pool,
    dispatchers,
    settings,
  );
}
