import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  applyMigrations,
  MigrationChecksumError,
  MigrationFailedError,
  readMigrationsDir,
  type MigrationFile,
  type SqlExecutor,
} from './migration-applier.js';

const REPO_MIGRATIONS = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

function executor(db: PGlite): SqlExecutor {
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

interface Row {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
  applied_steps_count: number;
  logs: string | null;
  id: string;
}

async function migrationRows(db: PGlite): Promise<Row[]> {
  const result = await db.query<Row>(
    `SELECT id, migration_name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back, applied_steps_count, logs
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

async function tableExists(db: PGlite, name: string): Promise<boolean> {
  const result = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
  return result.rows[0]?.t !== null;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const INIT: MigrationFile = {
  name: '20260101000000_init',
  sql: 'CREATE TABLE "widgets" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL);\nCREATE INDEX "widgets_name_idx" ON "widgets"("name");\n',
};
const SECOND: MigrationFile = {
  name: '20260102000000_gadgets',
  sql: '-- a comment; with a semicolon\nCREATE TABLE "gadgets" ("id" SERIAL PRIMARY KEY, "label" TEXT DEFAULT \'a;b\');\n' +
    'CREATE FUNCTION gadget_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM "gadgets"); END $$;\n',
};
const BROKEN: MigrationFile = {
  name: '20260103000000_broken',
  sql: 'CREATE TABLE "half_done" ("id" INT);\nCREATE TABLE "oops" ("id" no_such_type);\n',
};
const THIRD: MigrationFile = {
  name: '20260104000000_third',
  sql: 'CREATE TABLE "third" ("id" INT);\n',
};

describe('applyMigrations on PGlite', () => {
  // One in-memory instance (starting PGlite takes a second or two), emptied before each test.
  let pglite: PGlite;
  let db: SqlExecutor;

  beforeAll(async () => {
    pglite = new PGlite();
    await pglite.waitReady;
    db = executor(pglite);
  });

  beforeEach(async () => {
    await pglite.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  });

  afterAll(async () => {
    await pglite.close();
  });

  it('applies all migrations in order and records them as the schema engine does', async () => {
    const result = await applyMigrations(db, [INIT, SECOND], { lock: false });

    expect(result.applied).toEqual([INIT.name, SECOND.name]);
    expect(await tableExists(pglite, 'widgets')).toBe(true);
    expect((await pglite.query<{ n: string }>('SELECT gadget_count()::text AS n')).rows[0]?.n).toBe('0');
    const rows = await migrationRows(pglite);
    expect(rows.map((r) => r.migration_name)).toEqual([INIT.name, SECOND.name]);
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(sha256([INIT, SECOND][i]!.sql));
      expect(row.finished).toBe(true);
      expect(row.rolled_back).toBe(false);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });

  it('creates _prisma_migrations with the engine columns', async () => {
    await applyMigrations(db, [], { lock: false });
    const columns = await pglite.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.rows).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    ]);
  });

  it('applies nothing on a second run, and only new migrations later', async () => {
    await applyMigrations(db, [INIT], { lock: false });

    expect(await applyMigrations(db, [INIT], { lock: false })).toEqual({ applied: [] });
    expect(await applyMigrations(db, [INIT, SECOND], { lock: false })).toEqual({ applied: [SECOND.name] });
    expect(await applyMigrations(db, [INIT, SECOND], { lock: false })).toEqual({ applied: [] });
    expect(await migrationRows(pglite)).toHaveLength(2);
  });

  it('detects a migration edited after it was applied, naming it', async () => {
    await applyMigrations(db, [INIT], { lock: false });
    const edited = { ...INIT, sql: `${INIT.sql}-- tweaked\n` };

    const error: unknown = await applyMigrations(db, [edited, SECOND], { lock: false }).then(
      () => null,
      (e: unknown) => e,
    );

    if (!(error instanceof MigrationChecksumError)) throw new Error(`expected a MigrationChecksumError, got ${String(error)}`);
    expect(error.message).toContain(INIT.name);
    expect(error.level).toBe('warn');
    expect(error.edited).toEqual([INIT.name]);
    // Like `prisma migrate deploy`, the pending migration was still applied.
    expect(error.applied).toEqual([SECOND.name]);
    expect(await tableExists(pglite, 'gadgets')).toBe(true);
  });

  it('records a failed migration, rolls its statements back and blocks later deploys', async () => {
    await applyMigrations(db, [INIT], { lock: false });

    const first = applyMigrations(db, [INIT, SECOND, BROKEN, THIRD], { lock: false });
    await expect(first).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(first).rejects.toThrow(BROKEN.name);
    await expect(first).rejects.toMatchObject({ migration: BROKEN.name, applied: [SECOND.name] });

    expect(await tableExists(pglite, 'half_done')).toBe(false);
    expect(await tableExists(pglite, 'third')).toBe(false);
    const failed = (await migrationRows(pglite)).find((r) => r.migration_name === BROKEN.name);
    expect(failed).toMatchObject({ finished: false, rolled_back: false, applied_steps_count: 0 });
    expect(failed?.logs).toContain('no_such_type');

    // Even with the file fixed, nothing runs until the failed row is resolved.
    const fixed = { ...BROKEN, sql: 'CREATE TABLE "oops" ("id" INT);\n' };
    const second = applyMigrations(db, [INIT, SECOND, fixed, THIRD], { lock: false });
    await expect(second).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(second).rejects.toThrow(/`20260103000000_broken`.*failed earlier/);
    expect(await tableExists(pglite, 'third')).toBe(false);

    // Resolving it (marking the row rolled back) lets the fixed migration and the rest through.
    await pglite.query('UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1', [BROKEN.name]);
    expect(await applyMigrations(db, [INIT, SECOND, fixed, THIRD], { lock: false })).toEqual({ applied: [fixed.name, THIRD.name] });
  });

  it('runs scripts that manage their own transaction without wrapping them', async () => {
    const own: MigrationFile = { name: '20260105000000_own_tx', sql: 'BEGIN;\nCREATE TABLE "own" ("id" INT);\nCOMMIT;\n' };
    expect(await applyMigrations(db, [own], { lock: false })).toEqual({ applied: [own.name] });
    expect(await tableExists(pglite, 'own')).toBe(true);
  });

  it('holds the Prisma advisory lock unless told not to', async () => {
    const statements: string[] = [];
    const recording: SqlExecutor = {
      query: (sql, params) => {
        statements.push(sql);
        return db.query(sql, params);
      },
      exec: (sql) => {
        statements.push(sql);
        return db.exec(sql);
      },
    };

    await applyMigrations(recording, [INIT]);
    expect(statements[0]).toBe('SELECT pg_advisory_lock(72707369)');
    expect(statements.at(-1)).toMatch(/^SELECT pg_advisory_unlock\(72707369\)/);

    statements.length = 0;
    await applyMigrations(recording, [INIT], { lock: false });
    expect(statements.some((s) => s.includes('pg_advisory'))).toBe(false);
  });

  it('reports an executor that is not one session (the unlock finds no lock)', async () => {
    // What a pg.Pool does when lock and unlock land on different connections.
    const pooled: SqlExecutor = {
      query: (sql, params) =>
        sql.startsWith('SELECT pg_advisory_unlock') ? db.query('SELECT false AS released') : db.query(sql, params),
      exec: (sql) => db.exec(sql),
    };

    await expect(applyMigrations(pooled, [INIT])).rejects.toThrow(/not a single database session/);
    await pglite.query('SELECT pg_advisory_unlock_all()');
  });

  it('applies the repository migrations (prisma/migrations) cleanly', async () => {
    const migrations = await readMigrationsDir(REPO_MIGRATIONS);
    expect(migrations.length).toBeGreaterThan(0);

    const { applied } = await applyMigrations(db, migrations, { lock: false });

    expect(applied).toEqual(migrations.map((m) => m.name));
    expect(await tableExists(pglite, 'credentials')).toBe(true);
    expect(await applyMigrations(db, migrations, { lock: false })).toEqual({ applied: [] });
  });
});

describe('readMigrationsDir', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the folders sorted, each with its migration.sql, ignoring other files', async () => {
    for (const m of [SECOND, INIT]) {
      await mkdir(path.join(dir, m.name));
      await writeFile(path.join(dir, m.name, 'migration.sql'), m.sql);
    }
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');

    expect(await readMigrationsDir(dir)).toEqual([INIT, SECOND]);
  });

  it('fails loudly for a folder without migration.sql', async () => {
    await mkdir(path.join(dir, '20260101000000_empty'));
    await expect(readMigrationsDir(dir)).rejects.toThrow(/20260101000000_empty.*migration\.sql/);
  });
});
