-- The clones list's indexes (issue 16). pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension since PostgreSQL 13: the database's owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- DropIndex
DROP INDEX "Clone_createdAt_idx";

-- DropIndex
DROP INDEX "Clone_status_idx";

-- CreateIndex
CREATE INDEX "Clone_createdAt_id_idx" ON "Clone"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Clone_cpu_id_idx" ON "Clone"("cpu", "id");

-- CreateIndex
CREATE INDEX "Clone_ramGb_id_idx" ON "Clone"("ramGb", "id");

-- CreateIndex
CREATE INDEX "Clone_status_id_idx" ON "Clone"("status", "id");

-- CreateIndex
CREATE INDEX "Clone_createdById_idx" ON "Clone"("createdById");

-- CreateIndex
CREATE INDEX "Clone_name_trgm_idx" ON "Clone" USING GIN ("name" gin_trgm_ops);
