/**
 * The admin session token on the browser side.
 *
 * Kept in sessionStorage (not localStorage, not a cookie): it survives a reload of the tab, is gone
 * when the tab closes, is never sent automatically with requests (so no CSRF), and is readable only by
 * this origin's scripts, which the gateway's Content-Security-Policy limits to the panel's own files.
 * The token is a JWT that expires after 12 hours and is revoked by logging out.
 */
const KEY = 'cligate.session';
const EVENT = 'cligate:session';

export interface StoredSession {
  token: string;
  /** epoch milliseconds */
  expiresAt: number;
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

export function readSession(now = Date.now()): StoredSession | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as StoredSession;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'number' || s.expiresAt <= now) {
      storage()?.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    storage()?.removeItem(KEY);
    return null;
  }
}

export function sessionToken(): string | null {
  return readSession()?.token ?? null;
}

export function saveSession(token: string, expiresInSeconds: number): void {
  storage()?.setItem(KEY, JSON.stringify({ token, expiresAt: Date.now() + expiresInSeconds * 1000 }));
  window.dispatchEvent(new Event(EVENT));
}

export function clearSession(): void {
  storage()?.removeItem(KEY);
  if (typeof window !== 'undefined') window.dispatchEvent(new Event(EVENT));
}

/** Called whenever this tab logs in or out. */
export function onSessionChange(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
