import type { Database } from '../database/database.js';
import type { Credential, Prisma } from '../generated/prisma/client.js';

export type CredentialRow = Credential;

export interface CredentialListFilter {
  kind?: string;
  enabled?: boolean;
  search?: string;
  offset?: number;
  limit?: number;
}

/** The only code touching Prisma for credentials and their durable cooldown copies. */
export class CredentialsRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<CredentialRow | null> {
    return this.db.prisma.credential.findUnique({ where: { id } });
  }

  findByFilename(filename: string): Promise<CredentialRow | null> {
    return this.db.prisma.credential.findUnique({ where: { filename } });
  }

  findByEmail(kind: string, email: string): Promise<CredentialRow | null> {
    return this.db.prisma.credential.findFirst({ where: { kind, email } });
  }

  /** Enabled credentials of a kind (and of one configured provider) in rotation order (oldest first). */
  listEnabled(kind: string, providerId?: string): Promise<Pick<CredentialRow, 'id' | 'filename' | 'projectId' | 'proxyUrl'>[]> {
    return this.db.prisma.credential.findMany({
      where: providerId === undefined ? { kind, enabled: true } : { kind, enabled: true, providerId },
      select: { id: true, filename: true, projectId: true, proxyUrl: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  async list(filter: CredentialListFilter): Promise<{ items: CredentialRow[]; total: number }> {
    const where: Prisma.CredentialWhereInput = {};
    if (filter.kind) where.kind = filter.kind;
    if (filter.enabled !== undefined) where.enabled = filter.enabled;
    if (filter.search) {
      where.OR = [
        { filename: { contains: filter.search, mode: 'insensitive' } },
        { email: { contains: filter.search, mode: 'insensitive' } },
        { projectId: { contains: filter.search, mode: 'insensitive' } },
      ];
    }
    const [items, total] = await Promise.all([
      this.db.prisma.credential.findMany({
        where,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        ...(filter.offset !== undefined ? { skip: filter.offset } : {}),
        ...(filter.limit !== undefined ? { take: filter.limit } : {}),
      }),
      this.db.prisma.credential.count({ where }),
    ]);
    return { items, total };
  }

  create(data: Prisma.CredentialCreateInput): Promise<CredentialRow> {
    return this.db.prisma.credential.create({ data });
  }

  update(id: string, data: Prisma.CredentialUpdateInput): Promise<CredentialRow> {
    return this.db.prisma.credential.update({ where: { id }, data });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.prisma.credential.deleteMany({ where: { id } });
    return result.count > 0;
  }

  /** Prepends the code to the last distinct error codes (at most 10) in one atomic statement. */
  async recordError(id: string, code: number, message: string): Promise<void> {
    await this.db.prisma.$executeRaw`
      UPDATE credentials
      SET error_codes = (array_prepend(${code}::int, array_remove(error_codes, ${code}::int)))[1:10],
          last_error_code = ${code}, last_error_message = ${message.slice(0, 2000)}, last_error_at = now()
      WHERE id = ${id}::uuid`;
  }

  /**
   * Success bookkeeping, batched by the pool: bumps the call counter and the last success; clears the
   * error codes only when the success is newer than the last error (a late batch never hides a fresh
   * failure).
   */
  async recordSuccesses(entries: Array<{ id: string; calls: number; at: Date }>): Promise<void> {
    if (entries.length === 0) return;
    await this.db.prisma.$transaction(
      entries.flatMap((e) => [
        this.db.prisma.credential.updateMany({
          where: { id: e.id },
          data: { lastSuccessAt: e.at, callCount: { increment: e.calls } },
        }),
        this.db.prisma.credential.updateMany({
          where: { id: e.id, OR: [{ lastErrorAt: null }, { lastErrorAt: { lt: e.at } }] },
          data: { errorCodes: [] },
        }),
      ]),
    );
  }

  /** id and sealed secret of every credential (key rotation) */
  allSecrets(): Promise<Array<{ id: string; secretCiphertext: string }>> {
    return this.db.prisma.credential.findMany({ select: { id: true, secretCiphertext: true } });
  }

  async upsertCooldown(credentialId: string, model: string, until: Date, reason: string): Promise<void> {
    await this.db.prisma.credentialCooldown.upsert({
      where: { credentialId_model: { credentialId, model } },
      create: { credentialId, model, until, reason },
      update: { until, reason },
    });
  }

  async clearCooldowns(credentialId: string, model?: string): Promise<void> {
    await this.db.prisma.credentialCooldown.deleteMany({ where: model ? { credentialId, model } : { credentialId } });
  }

  listActiveCooldowns(now: Date): Promise<Array<{ credentialId: string; model: string; until: Date; reason: string }>> {
    return this.db.prisma.credentialCooldown.findMany({
      where: { until: { gt: now } },
      select: { credentialId: true, model: true, until: true, reason: true },
    });
  }
}
