-- CreateEnum
CREATE TYPE "OperationType" AS ENUM ('START_FAILOVER', 'END_FAILOVER', 'CREATE_SNAPSHOT', 'RESTORE', 'POWER_ON', 'POWER_OFF', 'SUSPEND', 'RESUME', 'REBOOT', 'DELETE');

-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Configuration" ADD COLUMN     "rpoTargetSeconds" INTEGER NOT NULL DEFAULT 7200;

-- CreateTable
CREATE TABLE "ActiveSystem" (
    "configurationId" UUID NOT NULL,
    "cloneId" UUID NOT NULL,
    "operationId" UUID,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActiveSystem_pkey" PRIMARY KEY ("configurationId")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" UUID NOT NULL,
    "cloneId" UUID NOT NULL,
    "type" "OperationType" NOT NULL,
    "status" "OperationStatus" NOT NULL DEFAULT 'QUEUED',
    "requestedById" UUID,
    "options" JSONB NOT NULL DEFAULT '{}',
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "snapshotId" UUID,
    "phase" TEXT,
    "error" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ActiveSystem_cloneId_key" ON "ActiveSystem"("cloneId");

-- CreateIndex
CREATE INDEX "Operation_cloneId_requestedAt_idx" ON "Operation"("cloneId", "requestedAt");

-- CreateIndex
CREATE INDEX "Operation_status_idx" ON "Operation"("status");

-- AddForeignKey
ALTER TABLE "ActiveSystem" ADD CONSTRAINT "ActiveSystem_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "Configuration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActiveSystem" ADD CONSTRAINT "ActiveSystem_cloneId_fkey" FOREIGN KEY ("cloneId") REFERENCES "Clone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_cloneId_fkey" FOREIGN KEY ("cloneId") REFERENCES "Clone"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Operation" ADD CONSTRAINT "Operation_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "Snapshot"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Existing configurations get the default RPO target of new ones (domain/failoverReadiness.ts):
-- two snapshot intervals, or a day with a cron schedule.
UPDATE "Configuration" SET "rpoTargetSeconds" = CASE
  WHEN "scheduleIntervalSeconds" IS NOT NULL THEN LEAST(2 * "scheduleIntervalSeconds", 31536000)
  ELSE 86400 END;

-- Clones in failover now hold their configuration's active-system claim (the newest one, should
-- an older version have let two in).
INSERT INTO "ActiveSystem" ("configurationId", "cloneId", "claimedAt")
SELECT DISTINCT ON ("configurationId") "configurationId", "id", COALESCE("failoverStartedAt", CURRENT_TIMESTAMP)
FROM "Clone" WHERE "failover" AND "deletedAt" IS NULL
ORDER BY "configurationId", "failoverStartedAt" DESC NULLS LAST;
