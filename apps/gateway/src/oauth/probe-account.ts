import { request } from 'undici';
import type { CredentialsRepository } from '../credentials/credentials.repository.js';
import type { Dispatchers } from '../upstream/http/dispatchers.js';
import { jsonOrUndefined, readBodyText } from '../upstream/http/read-body.js';
import type { CredentialTestResult } from '../upstream/provider.js';
import type { OAuthAccountAuthorizer } from './oauth-account.authorizer.js';

/**
 * An admin "test" of one OAuth account: a token (refreshed when needed, disabled credentials too),
 * then one cheap authenticated GET through the credential's own proxy; `interpret` reads the answer.
 */
export async function probeAccount(
  deps: { repository: CredentialsRepository; authorizer: OAuthAccountAuthorizer; dispatchers: Dispatchers; defaultProxy: () => string | null },
  credentialId: string,
  target: (token: string, accountId: string | null) => { url: string; headers: Record<string, string> },
  interpret: (status: number, body: unknown, headers: Record<string, string | string[] | undefined>) => CredentialTestResult,
): Promise<CredentialTestResult> {
  const row = await deps.repository.findById(credentialId);
  if (!row) return { success: false, status: 0, message: 'no such credential' };
  let token: string;
  try {
    token = await deps.authorizer.tokenAllowingDisabled(credentialId);
  } catch (error) {
    return { success: false, status: 0, message: `no usable token: ${(error as Error).message}` };
  }
  const { url, headers } = target(token, row.projectId);
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher: deps.dispatchers.get(row.proxyUrl ?? deps.defaultProxy()),
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(15_000),
    });
    const body = jsonOrUndefined(await readBodyText(response.body, 4 * 1024 * 1024));
    return interpret(response.statusCode, body, response.headers);
  } catch (error) {
    return { success: false, status: 0, message: `upstream unreachable: ${(error as Error).message}` };
  }
}
