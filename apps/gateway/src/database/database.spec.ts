import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite, type Database } from './database.js';

describe('openPglite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cligate-db-spec-'));
  let db: Database | undefined;
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts Postgres with a 32 MB buffer pool, and Prisma answers through it', async () => {
    db = await openPglite(join(dir, 'db'));
    const [row] = await db.sql.query<{ shared_buffers: string }>('SHOW shared_buffers');
    expect(row?.shared_buffers).toBe('32MB');
    const [viaPrisma] = await db.prisma.$queryRawUnsafe<Array<{ n: number }>>('SELECT 41 + 1 AS n');
    expect(Number(viaPrisma?.n)).toBe(42);
  }, 60_000);
});
