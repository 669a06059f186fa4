export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const BY_NUMBER: Record<number, LogLevel> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export interface LogEntry {
  /** the line as received (also its identity for de-duplication) */
  raw: string;
  time: string | null;
  level: LogLevel;
  msg: string;
  /** remaining fields, minus pino's bookkeeping */
  fields: Record<string, unknown>;
}

/** pino's numeric level (or a name) → a level name; unknown → info. */
export function levelName(level: unknown): LogLevel {
  if (typeof level === 'number') {
    const exact = BY_NUMBER[level];
    if (exact) return exact;
    const rounded = Math.min(60, Math.max(10, Math.round(level / 10) * 10));
    return BY_NUMBER[rounded] ?? 'info';
  }
  if (typeof level === 'string' && (LOG_LEVELS as readonly string[]).includes(level.toLowerCase())) return level.toLowerCase() as LogLevel;
  return 'info';
}

/** One line of the live log (pino JSON, or plain text) as an entry. */
export function parseLogLine(raw: string): LogEntry {
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    if (typeof o === 'object' && o !== null && !Array.isArray(o)) {
      const { level, time, msg, pid: _pid, hostname: _hostname, ...fields } = o;
      return {
        raw,
        time: typeof time === 'string' ? time : typeof time === 'number' ? new Date(time).toISOString() : null,
        level: levelName(level),
        msg: typeof msg === 'string' ? msg : '',
        fields,
      };
    }
  } catch {
    // plain text line
  }
  return { raw, time: null, level: 'info', msg: raw, fields: {} };
}

export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/** Is the entry at or above `minLevel` and does it contain `search` (case-insensitive, anywhere in the line)? */
export function matchesLogFilter(entry: LogEntry, filter: { minLevel: LogLevel; search: string }): boolean {
  if (levelRank(entry.level) < levelRank(filter.minLevel)) return false;
  const q = filter.search.trim().toLowerCase();
  if (!q) return true;
  return entry.raw.toLowerCase().includes(q) || entry.msg.toLowerCase().includes(q);
}

/** The fields of a request line worth showing inline, in a stable order. */
export function summarizeFields(fields: Record<string, unknown>): string {
  const preferred = ['status', 'model', 'protocol', 'latencyMs', 'tokens', 'attempts', 'errorCode', 'reqId', 'credentialId', 'err'];
  const parts: string[] = [];
  for (const key of preferred) if (fields[key] !== undefined && fields[key] !== null) parts.push(`${key}=${stringify(fields[key])}`);
  for (const [key, value] of Object.entries(fields)) {
    if (preferred.includes(key) || value === undefined || value === null) continue;
    parts.push(`${key}=${stringify(value)}`);
  }
  return parts.join(' ');
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** Appends lines, dropping ones already held (a reconnect resends the recent backlog) and the oldest beyond `max`. */
export function appendLogEntries(current: LogEntry[], incoming: LogEntry[], max: number): LogEntry[] {
  if (incoming.length === 0) return current;
  const seen = new Set(current.slice(-1_000).map((e) => e.raw));
  const fresh = incoming.filter((e) => {
    if (seen.has(e.raw)) return false;
    seen.add(e.raw);
    return true;
  });
  if (fresh.length === 0) return current;
  const next = current.concat(fresh);
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Reconnect delay after `attempt` failures: 1 s, 2 s, 4 s … capped at 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(10_000, 1_000 * 2 ** Math.max(0, attempt));
}
