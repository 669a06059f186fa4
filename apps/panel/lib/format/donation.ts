/**
 * Does pasted text look like the address the sign-in redirected to (it holds a code and a state),
 * or a vendor's `code#state` from its manual-redirect page?
 */
export function looksLikeCallbackUrl(text: string): boolean {
  const t = text.trim();
  if (!t) return false;
  if (/^[\w.~-]+#[\w.~-]+$/.test(t)) return true;
  const query = t.includes('?') ? t.slice(t.indexOf('?') + 1) : t;
  const params = new URLSearchParams(query.split('#', 1)[0]);
  return (params.has('code') && params.has('state')) || params.has('error');
}

/** A Google Cloud project id (not the number), as the gateway checks it. */
export function isProjectId(value: string): boolean {
  return /^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,61}[a-z0-9]$/.test(value.trim());
}
