-- CreateEnum
CREATE TYPE "SnapshotPruneReason" AS ENUM ('RETENTION', 'VM_DESTROYED', 'MISSING');

-- AlterTable
ALTER TABLE "Snapshot" ADD COLUMN     "prunedReason" "SnapshotPruneReason";

-- Rows pruned before this column existed: retention, or the clone's delete (its VM destroyed).
UPDATE "Snapshot" s SET "prunedReason" = CASE
  WHEN EXISTS (SELECT 1 FROM "Machine" m WHERE m."id" = s."sourceMachineId" AND m."removedAt" IS NOT NULL AND m."removedAt" <= s."prunedAt")
    THEN 'VM_DESTROYED'::"SnapshotPruneReason"
  ELSE 'RETENTION'::"SnapshotPruneReason" END
WHERE s."prunedAt" IS NOT NULL;
