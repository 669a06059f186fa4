import type { Database } from '../database/database.js';
import type { Prisma } from '../generated/prisma/client.js';

export class SettingsRepository {
  constructor(private readonly db: Database) {}

  async readAll(): Promise<Record<string, unknown>> {
    const rows = await this.db.prisma.setting.findMany();
    const out: Record<string, unknown> = {};
    for (const row of rows) out[row.key] = row.value;
    return out;
  }

  async write(values: Record<string, unknown>): Promise<void> {
    await this.db.prisma.$transaction(
      Object.entries(values).map(([key, value]) =>
        value === null
          ? this.db.prisma.setting.deleteMany({ where: { key } })
          : this.db.prisma.setting.upsert({
              where: { key },
              create: { key, value: value as Prisma.InputJsonValue },
              update: { value: value as Prisma.InputJsonValue },
            }),
      ),
    );
  }
}
