import { defineConfig } from 'prisma/config';

// Prisma 7 reads the datasource URL from here. `env()` throws when the variable is unset (even for
// `prisma generate`), so fall back explicitly; migrations use prisma/migrate.ts (offline engine).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test' },
});
