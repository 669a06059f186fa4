import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations, readMigrationsDir, type SqlExecutor } from './migration-applier.js';

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * The database handle: one Prisma client (repositories use it) plus a raw SQL executor on the same
 * connection pool for the few hot statements that are better as one hand-written query (batched
 * usage settlement) and for migrations.
 */
export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  readonly sql: SqlExecutor;
  /** the usage ledger's own connections (Postgres: a small pool, optionally without waiting for WAL flushes) */
  readonly ledgerSql: SqlExecutor;
  /** throws when the database cannot answer */
  ping(): Promise<void>;
  /** runs `fn` on one dedicated session (advisory locks belong to a session) */
  withSession<T>(fn: (session: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DATABASE = Symbol('DATABASE');

/** prisma/migrations of the repository (dist/database → ../../../../prisma), or CLIGATE_MIGRATIONS_DIR. */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));
}

export async function openPostgres(url: string, options: { poolSize?: number; ledgerSyncCommit?: boolean } = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // a lost connection must not crash the process; requests fail with 503 until it comes back
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const executor = (p: pg.Pool): SqlExecutor => ({
    async query<T>(text: string, params?: unknown[], statementName?: string) {
      const result = statementName
        ? await p.query({ name: statementName, text, values: params as unknown[] | undefined })
        : await p.query(text, params as unknown[] | undefined);
      return result.rows as T[];
    },
    async exec(text: string) {
      await p.query(text);
    },
  });
  const sql = executor(pool);
  // usage batches are written on their own connections, several batches in flight at once
  const ledgerPool = new pg.Pool({
    connectionString: url,
    max: 4,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(options.ledgerSyncCommit ? {} : { options: '-c synchronous_commit=off' }),
  });
  ledgerPool.on('error', () => {});
  return {
    kind: 'postgres',
    prisma,
    sql,
    ledgerSql: executor(ledgerPool),
    async ping() {
      await pool.query('SELECT 1');
    },
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          async query<T>(text: string, params?: unknown[]) {
            return (await client.query(text, params as unknown[] | undefined)).rows as T[];
          },
          async exec(text: string) {
            await client.query(text);
          },
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect().catch(() => {});
      await ledgerPool.end().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

/**
 * PGlite's Postgres settings on top of its defaults. shared_buffers: Postgres's 128 MB default grew
 * the WebAssembly memory to ~200 MB; 32 MB keeps it at its 128 MB floor (RSS holding 1,000 streams
 * ~600 → ~490 MB) with no measurable cost on the ledger's inserts. Pages beyond it are read from the
 * data folder through the OS page cache.
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=32MB'];

/**
 * The embedded database: PGlite (Postgres in WASM) in `<dataDir>/pglite`. One process may own the
 * folder; a lock file with our pid refuses a second one.
 */
export async function openPglite(dataDir: string | 'memory'): Promise<Database> {
  // loaded only here: a Postgres deployment does not carry the embedded database's code (~11 MB RSS)
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  let releaseLock = () => {};
  let client: PGlite;
  if (dataDir === 'memory') {
    client = new PGlite({ startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  } else {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireDirLock(join(dataDir, 'pglite.lock'));
    client = new PGlite(join(dataDir, 'pglite'), { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
  }
  await client.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  const sql: SqlExecutor = {
    async query<T>(text: string, params?: unknown[]) {
      const result = await client.query(text, params as unknown[] | undefined);
      return result.rows as T[];
    },
    async exec(text: string) {
      await client.exec(text);
    },
  };
  return {
    kind: 'pglite',
    prisma,
    sql,
    ledgerSql: sql,
    async ping() {
      await client.query('SELECT 1');
    },
    async withSession(fn) {
      return fn(sql);
    },
    async close() {
      await prisma.$disconnect().catch(() => {});
      await client.close().catch(() => {});
      releaseLock();
    },
  };
}

function acquireDirLock(path: string): () => void {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `the embedded database in ${path.replace(/\/pglite\.lock$/, '')} is in use by process ${pid}; ` +
          'run one gateway per data folder, or set DATABASE_URL (and REDIS_URL) to run several',
      );
    }
    rmSync(path, { force: true });
  }
  const fd = openSync(path, 'wx', 0o600);
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return () => rmSync(path, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function migrateDatabase(db: Database, migrationsDir: string): Promise<string[]> {
  const migrations = await readMigrationsDir(migrationsDir);
  const { applied } = await db.withSession((session) => applyMigrations(session, migrations, { lock: db.kind === 'postgres' }));
  return applied;
}
