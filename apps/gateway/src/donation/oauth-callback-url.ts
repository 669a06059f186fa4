/** What a pasted callback URL (or its query) carries. */
export type ParsedCallback =
  | { kind: 'code'; code: string; state: string }
  | { kind: 'error'; error: string; description: string | null; state: string | null };

/**
 * Reads the URL Google redirected the donor's browser to (upstream-google.md §9.3), as pasted:
 * `http://localhost:11451/?state=…&code=…&scope=…`, the same without the scheme, or only the query
 * (`?code=…&state=…`, `code=…&state=…`). Returns null when it holds neither a code nor an error.
 */
export function parseCallbackUrl(input: string): ParsedCallback | null {
  const text = input.trim();
  if (!text) return null;
  let query: string;
  const q = text.indexOf('?');
  if (q >= 0) query = text.slice(q + 1);
  else if (/^[\w.-]+=/.test(text)) query = text;
  else return null;
  const hash = query.indexOf('#');
  if (hash >= 0) query = query.slice(0, hash);
  const params = new URLSearchParams(query);
  const state = params.get('state')?.trim() || null;
  const error = params.get('error')?.trim();
  if (error) return { kind: 'error', error, description: params.get('error_description'), state };
  const code = params.get('code')?.trim();
  if (!code || !state) return null;
  return { kind: 'code', code, state };
}

/** A Google Cloud project id (not the number), optionally domain-scoped (`example.com:my-project`). */
export function isProjectId(value: string): boolean {
  return /^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,61}[a-z0-9]$/.test(value);
}
