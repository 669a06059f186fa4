-- AlterTable
ALTER TABLE "credentials" ADD COLUMN     "provider_id" UUID;

-- CreateTable
CREATE TABLE "providers" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'openai-compat',
    "name" TEXT NOT NULL,
    "base_url" TEXT NOT NULL,
    "models" JSONB NOT NULL DEFAULT '[]',
    "prefix" TEXT,
    "headers_ciphertext" TEXT,
    "proxy_url" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "providers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "providers_name_key" ON "providers"("name");

-- CreateIndex
CREATE INDEX "credentials_provider_id_idx" ON "credentials"("provider_id");

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
