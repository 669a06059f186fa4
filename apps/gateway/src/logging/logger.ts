import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/** Header and field names whose values must never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'headers.authorization',
  'authorization',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'password',
  'apiKey',
  'api_key',
  'key',
];

export interface LoggerOptions {
  level: string;
  /** also append JSON lines here */
  file: string | null;
  /** receives every formatted line (the live log stream of the panel) */
  tap?: (line: string) => void;
}

/**
 * Lines are written in blocks of at least this many bytes (one write per ~12 request lines under
 * load, instead of one write and two thread hand-offs per line), and at least every
 * FLUSH_INTERVAL_MS, so a quiet gateway's lines still appear at once. Shutdown and process exit flush
 * what is left; only a kill -9 can lose the last interval's lines.
 */
const MIN_WRITE_BYTES = 4096;
const FLUSH_INTERVAL_MS = 100;

function destination(dest: number | string): pino.DestinationStream {
  return pino.destination({ dest, sync: false, mkdir: typeof dest === 'string', minLength: MIN_WRITE_BYTES, periodicFlush: FLUSH_INTERVAL_MS });
}

/**
 * pino with asynchronous, buffered destinations: a log call never waits for I/O on the request path.
 * Secrets are redacted by path, and the code never passes tokens, keys or passwords to the logger.
 */
export function createLogger(options: LoggerOptions): Logger {
  // every stream takes every level the logger lets through (multistream's own default would drop debug)
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: destination(1) }];
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    streams.push({ level: 'trace', stream: destination(options.file) });
  }
  if (options.tap) {
    const tap = options.tap;
    streams.push({ level: 'trace', stream: { write: (line: string) => tap(line) } });
  }
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    streams.length === 1 ? streams[0]!.stream : pino.multistream(streams),
  );
}
