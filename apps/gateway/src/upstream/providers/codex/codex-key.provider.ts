import type { RuntimeSettings } from '../../../config/gateway-config.js';
import type { CredentialPoolService } from '../../../credentials/credential-pool.service.js';
import type { CodeAssistCaller } from '../../../relay/code-assist-caller.js';
import type { Dispatchers } from '../../http/dispatchers.js';
import { HttpWireProvider, wireKeyHeaders } from '../http-wire.provider.js';

/** Codex models listed in /v1/models when OpenAI keys are pooled (GPT and o-series names are routed). */
export const CODEX_MODELS: readonly string[] = Object.freeze([
  'gpt-5.1-codex',
  'gpt-5.1-codex-mini',
  'gpt-5.1-codex-max',
  'gpt-5.1',
  'gpt-5-codex',
  'gpt-5',
  'gpt-5-mini',
]);

/**
 * Codex through OpenAI API keys: the Responses API at `codex_api_base_url` (the platform API
 * codex-rs uses with an API key), `Authorization: Bearer`, OpenAI's 429 headers into ban windows.
 */
export function createCodexKeyProvider(caller: CodeAssistCaller, pool: CredentialPoolService, dispatchers: Dispatchers, settings: () => RuntimeSettings): HttpWireProvider {
  const models = CODEX_MODELS.map((id) => ({ id, upstreamModel: id }));
  return new HttpWireProvider(
    {
      id: 'codex',
      kind: 'codex',
      owner: 'openai',
      wire: 'openai-responses',
      baseUrl: () => settings().codex_api_base_url,
      path: () => '/responses',
      headers: (lease) => wireKeyHeaders('openai-responses', lease.accessToken),
      models: () => models,
      passthrough: true,
      resolve: (model) => (/^(gpt-|codex-|o\d)[\w.-]*$/.test(model) ? model : null),
      encodeOptions: { openaiResponses: { target: 'openai' } },
    },
    caller,
    pool,
    dispatchers,
    settings,
  );
}
