-- AlterTable
ALTER TABLE "Clone" ADD COLUMN     "guestCustomizedAt" TIMESTAMP(3);

-- Clones provisioned before Enclave waited for the customization were offered their credentials
-- as soon as they ran: they keep them (the time is when they were last known to be ready).
UPDATE "Clone" SET "guestCustomizedAt" = "updatedAt" WHERE "status" IN ('RUNNING', 'STOPPED', 'PAUSED', 'CRASHED');
