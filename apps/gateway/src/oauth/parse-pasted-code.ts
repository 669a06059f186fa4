/**
 * What a user pastes at the end of an OAuth sign-in → the authorization code and (when present) the
 * state: a whole callback URL (`http://localhost:1455/auth/callback?code=…&state=…`, with or without
 * the scheme), only its query (`code=…&state=…`), Claude's manual-redirect text `<code>#<state>`, or
 * the bare code. An `error=` callback (the user declined) throws with the vendor's reason.
 */
export function parsePastedCode(text: string): { code: string; state: string | null } {
  const input = text.trim();
  if (input === '') throw new Error('paste the code (or the whole address) shown at the end of the sign-in');
  const q = input.indexOf('?');
  if (q >= 0 || /^(code|error|state)=/.test(input)) {
    let query = q >= 0 ? input.slice(q + 1) : input;
    const hash = query.indexOf('#');
    if (hash >= 0) query = query.slice(0, hash);
    const params = new URLSearchParams(query);
    const error = params.get('error')?.trim();
    if (error) {
      const description = params.get('error_description')?.trim();
      throw new Error(`the sign-in did not complete: ${error}${description ? ` (${description})` : ''}`);
    }
    const code = params.get('code')?.trim();
    if (!code) throw new Error('the pasted address holds no code= parameter');
    return { code, state: params.get('state')?.trim() || null };
  }
  if (/\s/.test(input)) throw new Error('the pasted text is not a code or a sign-in address');
  const hash = input.indexOf('#');
  if (hash >= 0) {
    const code = input.slice(0, hash);
    const state = input.slice(hash + 1);
    if (!code) throw new Error('the pasted text holds no code before the #');
    return { code, state: state || null };
  }
  return { code: input, state: null };
}
