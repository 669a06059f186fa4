/**
 * Applies prisma/migrations at gateway start with plain SQL.
 *
 * It keeps the `_prisma_migrations` table exactly as the Prisma schema engine does (same DDL, same
 * advisory lock, SHA-256 checksums of migration.sql, same row lifecycle), so the engine
 * (`prisma/migrate.ts status|deploy`) accepts a database deployed by this applier and the other way
 * round. It deliberately depends on nothing but node: no schema engine, no Prisma CLI.
 *
 * Row lifecycle (per migration): insert (started_at, applied_steps_count = 0) before running the
 * script; on success set finished_at and applied_steps_count = 1; on failure write `logs` and stop.
 * A row with neither finished_at nor rolled_back_at is a failed migration: nothing more is applied
 * until someone resolves it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A database session.
 *
 * With the lock (Postgres), pass a single connection: a `pg.Client` or a `PoolClient` from
 * `pool.connect()`, not a `pg.Pool`. The advisory lock belongs to the session that took it; taken
 * and released on different pooled connections it stays held by an idle pool member and blocks
 * every other deploy. applyMigrations reports that case (see applyMigrations).
 */
export interface SqlExecutor {
  /**
   * One statement, with `$1`-style parameters; returns the rows as objects. `statementName` makes it a
   * named prepared statement on Postgres connections (parsed and planned once per connection; the
   * same name must always carry the same text); other executors ignore it.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], statementName?: string): Promise<T[]>;
  /**
   * Any number of `;`-separated statements, no parameters, sent as ONE simple-protocol query
   * (`pg` `client.query(text)` without values, PGlite `exec`). Postgres runs such a query as one
   * implicit transaction; do not split it into statements.
   */
  exec(sql: string): Promise<void>;
}

export interface MigrationFile {
  /** The migration's folder name, e.g. `20260101000000_init`. */
  name: string;
  /** Contents of its migration.sql. */
  sql: string;
}

export interface ApplyOptions {
  /**
   * Hold `pg_advisory_lock(72707369)` (Prisma's migration lock) while deploying, so that concurrent
   * deploys queue up. Default true; pass false for PGlite (one connection per process anyway).
   */
  lock?: boolean;
}

export const MIGRATIONS_TABLE = '_prisma_migrations';
/** The key the Prisma schema engine locks on for Postgres. */
export const MIGRATION_ADVISORY_LOCK = 72707369;
const MIGRATION_FILE = 'migration.sql';

/** The schema engine's DDL for the table, made idempotent. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** A failed migration is recorded in the database; nothing further is applied until it is resolved. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';

  constructor(
    readonly migration: string,
    message: string,
    readonly applied: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Migrations whose migration.sql changed after they were applied. Prisma treats this as a warning:
 * the pending migrations have been applied when this is thrown (see `applied`), so a caller may log
 * it at warn level and carry on.
 */
export class MigrationChecksumError extends Error {
  override readonly name = 'MigrationChecksumError';
  readonly level = 'warn';

  constructor(
    readonly edited: string[],
    readonly applied: string[],
  ) {
    super(
      `migration${edited.length > 1 ? 's' : ''} ${edited.map((n) => `\`${n}\``).join(', ')} ` +
        `changed after being applied (migration.sql checksum differs from _prisma_migrations); ` +
        `restore the original file and put further changes in a new migration`,
    );
  }
}

/** SHA-256 hex of the migration.sql bytes, the `checksum` column. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Reads `<dir>/<folder>/migration.sql` for every folder in `dir` (files such as
 * migration_lock.toml are ignored), sorted by folder name the way the Prisma CLI sorts them.
 */
export async function readMigrationsDir(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw new Error(`cannot read migrations directory ${dir}: ${describe(error)}`);
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, MIGRATION_FILE);
      const sql = await readFile(file, 'utf8').catch((error: unknown) => {
        throw new Error(`migration ${name} has no readable ${MIGRATION_FILE} (${file}): ${describe(error)}`);
      });
      return { name, sql };
    }),
  );
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  logs: string | null;
  finished: boolean;
  rolled_back: boolean;
  /** started_at, formatted for messages */
  started: string;
}

/**
 * Applies the migrations not yet recorded as finished in `_prisma_migrations`, in order.
 * Throws MigrationFailedError when a migration fails now or failed before, and
 * MigrationChecksumError (after applying the pending ones) when applied migrations were edited.
 */
export async function applyMigrations(
  db: SqlExecutor,
  migrations: MigrationFile[],
  opts: ApplyOptions = {},
): Promise<{ applied: string[] }> {
  if (opts.lock === false) return deploy(db, migrations);
  return withAdvisoryLock(db, () => deploy(db, migrations));
}

/**
 * Holds Prisma's migration lock around `work`. An unlock that finds no lock means `db` is not one
 * session (a pool): the lock may still be held elsewhere, which is reported as an error.
 */
async function withAdvisoryLock<T>(db: SqlExecutor, work: () => Promise<T>): Promise<T> {
  await db.query(`SELECT pg_advisory_lock(${MIGRATION_ADVISORY_LOCK})`);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await db.query(`SELECT pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK})`).catch(() => undefined);
    throw error;
  }
  const [row] = await db.query<{ released: boolean }>(`SELECT pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK}) AS released`);
  if (row?.released !== true) {
    throw new Error(
      `pg_advisory_unlock(${MIGRATION_ADVISORY_LOCK}) found no lock held by this session: the SqlExecutor ` +
        `given to applyMigrations is not a single database session (a pg.Pool?), so the migration lock ` +
        `may still be held by another pooled connection. Pass a pg.Client or a PoolClient from pool.connect().`,
    );
  }
  return result;
}

async function deploy(db: SqlExecutor, migrations: MigrationFile[]): Promise<{ applied: string[] }> {
  await db.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await db.query<MigrationRow>(
    `SELECT id, checksum, migration_name, logs,
            finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back,
            to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS "UTC"') AS started
       FROM ${MIGRATIONS_TABLE} ORDER BY ${MIGRATIONS_TABLE}.started_at ASC`,
  );

  const failed = rows.find((row) => !row.finished && !row.rolled_back);
  if (failed) {
    throw new MigrationFailedError(
      failed.migration_name,
      `migration \`${failed.migration_name}\` (started at ${failed.started}) failed earlier, ` +
        `so no further migrations are applied. Fix the database by hand, then mark the row in ` +
        `${MIGRATIONS_TABLE} as rolled back (set rolled_back_at) or finished.` +
        (failed.logs ? `\nIts error: ${failed.logs}` : ''),
    );
  }

  const appliedRows = new Map<string, MigrationRow>();
  for (const row of rows) if (row.finished && !row.rolled_back) appliedRows.set(row.migration_name, row);

  const edited: string[] = [];
  const applied: string[] = [];
  for (const migration of migrations) {
    const checksum = migrationChecksum(migration.sql);
    const existing = appliedRows.get(migration.name);
    if (existing) {
      if (existing.checksum !== checksum) edited.push(migration.name);
      continue;
    }
    await applyOne(db, migration, checksum, applied);
    applied.push(migration.name);
  }

  if (edited.length > 0) throw new MigrationChecksumError(edited, applied);
  return { applied };
}

/** `appliedBefore`: the migrations applied earlier in this run, reported on failure. */
async function applyOne(db: SqlExecutor, migration: MigrationFile, checksum: string, appliedBefore: string[]): Promise<void> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)`,
    [id, checksum, migration.name],
  );
  // `id` is our own UUID, safe to inline: the statement must travel inside the script's query.
  const markFinished = `UPDATE ${MIGRATIONS_TABLE} SET finished_at = now(), applied_steps_count = 1 WHERE id = '${id}'`;

  if (canRunInTransaction(migration.sql)) {
    // One simple query = one implicit transaction: the script and its bookkeeping commit together,
    // and a failure leaves nothing of the script behind. (No explicit BEGIN: after an error it would
    // leave the session in an aborted transaction.)
    try {
      await db.exec(`${migration.sql}\n;\n${markFinished};`);
    } catch (error) {
      await recordFailure(db, id, migration.name, error, appliedBefore);
    }
    return;
  }

  // The script manages transactions itself, or holds a statement Postgres refuses inside a
  // transaction block (CREATE INDEX CONCURRENTLY, ...): run it alone, as the schema engine does.
  try {
    await db.exec(migration.sql);
  } catch (error) {
    await recordFailure(db, id, migration.name, error, appliedBefore);
  }
  await db.exec(markFinished);
}

async function recordFailure(db: SqlExecutor, id: string, name: string, error: unknown, appliedBefore: string[]): Promise<never> {
  const logs = formatDatabaseError(error);
  let message = `migration \`${name}\` failed: ${logs}`;
  try {
    await db.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = $2 WHERE id = $1`, [id, logs]);
  } catch (logError) {
    message += `\n(writing the error to ${MIGRATIONS_TABLE}.logs failed too: ${describe(logError)})`;
  }
  throw new MigrationFailedError(name, message, [...appliedBefore]);
}

/**
 * False for scripts that manage transactions themselves or contain statements Postgres refuses in a
 * transaction block. Comments are ignored; the test is deliberately conservative (a false positive
 * only means the bookkeeping update runs as a separate statement, as with the schema engine).
 */
function canRunInTransaction(sql: string): boolean {
  const code = sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  // Function bodies ($$ ... $$) may contain BEGIN/COMMIT of their own; look only outside them.
  const outsideBodies = code.replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, ' ');
  return !/\b(CONCURRENTLY|VACUUM|ALTER\s+SYSTEM|(CREATE|DROP)\s+(DATABASE|TABLESPACE)|START\s+TRANSACTION|(BEGIN|COMMIT|ROLLBACK)\s*(WORK|TRANSACTION)?\s*;)/i.test(
    outsideBodies,
  );
}

/** Postgres errors carry code, detail and hint; keep them in `logs` like the engine does. */
function formatDatabaseError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { message?: unknown; code?: unknown; detail?: unknown; hint?: unknown; position?: unknown };
  const lines = [typeof e.message === 'string' ? e.message : String(error)];
  if (typeof e.code === 'string') lines.push(`Database error code: ${e.code}`);
  if (typeof e.detail === 'string' && e.detail) lines.push(`DETAIL: ${e.detail}`);
  if (typeof e.hint === 'string' && e.hint) lines.push(`HINT: ${e.hint}`);
  if ((typeof e.position === 'string' || typeof e.position === 'number') && e.position) lines.push(`Position: ${e.position}`);
  return lines.join('\n');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
