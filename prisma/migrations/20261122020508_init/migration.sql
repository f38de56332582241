-- CreateEnum
CREATE TYPE "Role" AS ENUM ('GLOBAL_ADMIN', 'MACHINE_ADMIN', 'DEVELOPER');

-- CreateEnum
CREATE TYPE "MachineKind" AS ENUM ('PRIMARY', 'CLONE');

-- CreateEnum
CREATE TYPE "PowerState" AS ENUM ('POWERED_ON', 'POWERED_OFF', 'SUSPENDED', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "NetworkKind" AS ENUM ('STANDARD', 'DISTRIBUTED');

-- CreateEnum
CREATE TYPE "CloneStatus" AS ENUM ('PROVISIONING', 'STARTING', 'RUNNING', 'STOPPED', 'PAUSED', 'CRASHED', 'FAILED', 'DELETING', 'DELETED');

-- CreateEnum
CREATE TYPE "SnapshotTrigger" AS ENUM ('SCHEDULED', 'MANUAL', 'FAILBACK');

-- CreateEnum
CREATE TYPE "SnapshotStatus" AS ENUM ('IN_PROGRESS', 'DONE', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RestoreTrigger" AS ENUM ('AUTO', 'MANUAL', 'FAILBACK');

-- CreateEnum
CREATE TYPE "RestoreStatus" AS ENUM ('IN_PROGRESS', 'DONE', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('USER', 'SYSTEM');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "disabledAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastUsedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Application" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VmImage" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "vsphereRef" TEXT NOT NULL,
    "guestOs" TEXT NOT NULL,
    "defaultCpu" INTEGER NOT NULL,
    "defaultRamGb" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "VmImage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Network" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "vsphereRef" TEXT NOT NULL,
    "kind" "NetworkKind" NOT NULL DEFAULT 'STANDARD',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Network_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Machine" (
    "id" UUID NOT NULL,
    "kind" "MachineKind" NOT NULL,
    "name" TEXT NOT NULL,
    "vsphereRef" TEXT,
    "instanceUuid" TEXT,
    "powerState" "PowerState" NOT NULL DEFAULT 'UNKNOWN',
    "online" BOOLEAN NOT NULL DEFAULT false,
    "guestIp" TEXT,
    "cpu" INTEGER NOT NULL,
    "ramGb" INTEGER NOT NULL,
    "lastOnlineAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "removedAt" TIMESTAMP(3),

    CONSTRAINT "Machine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Configuration" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "primaryMachineId" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "scheduleIntervalSeconds" INTEGER,
    "scheduleCron" TEXT,
    "retention" INTEGER NOT NULL DEFAULT 7,
    "autoRestore" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Configuration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Clone" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "imageId" UUID NOT NULL,
    "configurationId" UUID NOT NULL,
    "networkId" UUID NOT NULL,
    "cpu" INTEGER NOT NULL,
    "ramGb" INTEGER NOT NULL,
    "status" "CloneStatus" NOT NULL DEFAULT 'PROVISIONING',
    "statusReason" TEXT,
    "failover" BOOLEAN NOT NULL DEFAULT false,
    "failoverStartedAt" TIMESTAMP(3),
    "progressPhase" TEXT,
    "progressPercent" INTEGER NOT NULL DEFAULT 0,
    "machineId" UUID,
    "rdpUsername" TEXT NOT NULL,
    "rdpPasswordEnc" TEXT NOT NULL,
    "lastRestoredAt" TIMESTAMP(3),
    "createdById" UUID NOT NULL,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Clone_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Snapshot" (
    "id" UUID NOT NULL,
    "configurationId" UUID NOT NULL,
    "sourceMachineId" UUID NOT NULL,
    "cloneId" UUID,
    "trigger" "SnapshotTrigger" NOT NULL,
    "status" "SnapshotStatus" NOT NULL DEFAULT 'IN_PROGRESS',
    "vsphereRef" TEXT,
    "name" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,
    "sizeBytes" BIGINT,
    "error" TEXT,
    "retryOfId" UUID,
    "requestedById" UUID,
    "prunedAt" TIMESTAMP(3),

    CONSTRAINT "Snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Restore" (
    "id" UUID NOT NULL,
    "snapshotId" UUID NOT NULL,
    "targetMachineId" UUID NOT NULL,
    "cloneId" UUID,
    "trigger" "RestoreTrigger" NOT NULL,
    "status" "RestoreStatus" NOT NULL DEFAULT 'IN_PROGRESS',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "Restore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" UUID NOT NULL,
    "actorKind" "ActorKind" NOT NULL,
    "actorId" UUID,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "cloneId" UUID,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Application_name_key" ON "Application"("name");

-- CreateIndex
CREATE UNIQUE INDEX "VmImage_vsphereRef_key" ON "VmImage"("vsphereRef");

-- CreateIndex
CREATE INDEX "VmImage_applicationId_idx" ON "VmImage"("applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "Network_vsphereRef_key" ON "Network"("vsphereRef");

-- CreateIndex
CREATE UNIQUE INDEX "Machine_vsphereRef_key" ON "Machine"("vsphereRef");

-- CreateIndex
CREATE INDEX "Machine_kind_idx" ON "Machine"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "Configuration_name_key" ON "Configuration"("name");

-- CreateIndex
CREATE INDEX "Configuration_applicationId_idx" ON "Configuration"("applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "Configuration_primaryMachineId_applicationId_key" ON "Configuration"("primaryMachineId", "applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "Clone_name_key" ON "Clone"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Clone_machineId_key" ON "Clone"("machineId");

-- CreateIndex
CREATE INDEX "Clone_configurationId_idx" ON "Clone"("configurationId");

-- CreateIndex
CREATE INDEX "Clone_imageId_idx" ON "Clone"("imageId");

-- CreateIndex
CREATE INDEX "Clone_networkId_idx" ON "Clone"("networkId");

-- CreateIndex
CREATE INDEX "Clone_status_idx" ON "Clone"("status");

-- CreateIndex
CREATE INDEX "Clone_createdAt_idx" ON "Clone"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Clone_createdById_idempotencyKey_key" ON "Clone"("createdById", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Snapshot_configurationId_startedAt_idx" ON "Snapshot"("configurationId", "startedAt");

-- CreateIndex
CREATE INDEX "Snapshot_sourceMachineId_idx" ON "Snapshot"("sourceMachineId");

-- CreateIndex
CREATE INDEX "Snapshot_status_idx" ON "Snapshot"("status");

-- CreateIndex
CREATE INDEX "Restore_snapshotId_idx" ON "Restore"("snapshotId");

-- CreateIndex
CREATE INDEX "Restore_targetMachineId_idx" ON "Restore"("targetMachineId");

-- CreateIndex
CREATE INDEX "Restore_cloneId_idx" ON "Restore"("cloneId");

-- CreateIndex
CREATE INDEX "Event_subjectType_subjectId_createdAt_idx" ON "Event"("subjectType", "subjectId", "createdAt");

-- CreateIndex
CREATE INDEX "Event_cloneId_createdAt_idx" ON "Event"("cloneId", "createdAt");

-- CreateIndex
CREATE INDEX "Event_createdAt_idx" ON "Event"("createdAt");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VmImage" ADD CONSTRAINT "VmImage_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Configuration" ADD CONSTRAINT "Configuration_primaryMachineId_fkey" FOREIGN KEY ("primaryMachineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Configuration" ADD CONSTRAINT "Configuration_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clone" ADD CONSTRAINT "Clone_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "VmImage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clone" ADD CONSTRAINT "Clone_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "Configuration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clone" ADD CONSTRAINT "Clone_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clone" ADD CONSTRAINT "Clone_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Clone" ADD CONSTRAINT "Clone_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "Configuration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_sourceMachineId_fkey" FOREIGN KEY ("sourceMachineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_cloneId_fkey" FOREIGN KEY ("cloneId") REFERENCES "Clone"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_retryOfId_fkey" FOREIGN KEY ("retryOfId") REFERENCES "Snapshot"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Snapshot" ADD CONSTRAINT "Snapshot_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "Snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_targetMachineId_fkey" FOREIGN KEY ("targetMachineId") REFERENCES "Machine"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Restore" ADD CONSTRAINT "Restore_cloneId_fkey" FOREIGN KEY ("cloneId") REFERENCES "Clone"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_cloneId_fkey" FOREIGN KEY ("cloneId") REFERENCES "Clone"("id") ON DELETE SET NULL ON UPDATE CASCADE;
