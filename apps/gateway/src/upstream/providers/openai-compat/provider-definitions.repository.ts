import type { Database } from '../../../database/database.js';
import type { Prisma, Provider } from '../../../generated/prisma/client.js';

export type ProviderRow = Provider;

/** The only code touching Prisma for admin-defined providers. */
export class ProviderDefinitionsRepository {
  constructor(private readonly db: Database) {}

  list(): Promise<ProviderRow[]> {
    return this.db.prisma.provider.findMany({ orderBy: [{ createdAt: 'asc' }, { name: 'asc' }] });
  }

  findByName(name: string): Promise<ProviderRow | null> {
    return this.db.prisma.provider.findUnique({ where: { name } });
  }

  create(data: Prisma.ProviderCreateInput): Promise<ProviderRow> {
    return this.db.prisma.provider.create({ data });
  }

  update(id: string, data: Prisma.ProviderUpdateInput): Promise<ProviderRow> {
    return this.db.prisma.provider.update({ where: { id }, data });
  }

  /** Deletes the provider and (cascade) its keys. */
  async delete(id: string): Promise<void> {
    await this.db.prisma.provider.delete({ where: { id } });
  }

  /** Number of keys (enabled, total) per provider id. */
  async keyCounts(): Promise<Map<string, { enabled: number; total: number }>> {
    const rows = await this.db.prisma.credential.groupBy({ by: ['providerId', 'enabled'], where: { providerId: { not: null } }, _count: { _all: true } });
    const out = new Map<string, { enabled: number; total: number }>();
    for (const row of rows) {
      const entry = out.get(row.providerId!) ?? { enabled: 0, total: 0 };
      entry.total += row._count._all;
      if (row.enabled) entry.enabled += row._count._all;
      out.set(row.providerId!, entry);
    }
    return out;
  }
}
