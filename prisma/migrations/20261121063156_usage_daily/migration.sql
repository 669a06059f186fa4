-- CreateTable
CREATE TABLE "usage_daily" (
    "day" DATE NOT NULL,
    "api_key_id" TEXT NOT NULL DEFAULT '',
    "credential_id" TEXT NOT NULL DEFAULT '',
    "model" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "cost" BIGINT NOT NULL DEFAULT 0,
    "prompt_tokens" BIGINT NOT NULL DEFAULT 0,
    "completion_tokens" BIGINT NOT NULL DEFAULT 0,
    "total_tokens" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("day","api_key_id","credential_id","model")
);

-- CreateIndex
CREATE INDEX "usage_daily_api_key_id_day_idx" ON "usage_daily"("api_key_id", "day");
