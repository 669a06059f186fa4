import { countTokensBody, readCodeAssistCountTokensResponse } from '../../protocols/code-assist/code-assist-envelope.js';
import { encodeGeminiUpstreamRequest } from '../../protocols/gemini/encode-gemini-upstream-request.js';
import type { CodeAssistCaller } from '../../relay/code-assist-caller.js';
import { jsonOrUndefined, readBodyText } from '../http/read-body.js';
import type { UpstreamCall } from '../provider.js';

/** Code Assist's countTokens (Gemini CLI and Antigravity accounts): the request's contents, as Gemini, counted by a pooled account. */
export async function countCodeAssistTokens(caller: CodeAssistCaller, call: Omit<UpstreamCall, 'stream'>): Promise<number> {
  const encoded = encodeGeminiUpstreamRequest({ ...call.request, model: call.upstreamModel }, { compatibilityMode: true }).value;
  const opened = await caller.open({
    method: 'countTokens',
    model: call.upstreamModel,
    stream: false,
    requestId: call.requestId,
    signal: call.signal,
    buildBody: () => countTokensBody(call.upstreamModel, encoded.contents),
  });
  return readCodeAssistCountTokensResponse(jsonOrUndefined(await readBodyText(opened.response.body)));
}
