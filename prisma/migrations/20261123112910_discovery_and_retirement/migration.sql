-- AlterTable
ALTER TABLE "Clone" ALTER COLUMN "description" SET DEFAULT '';

-- AlterTable
ALTER TABLE "Machine" ADD COLUMN     "retiredAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "VmImage" ADD COLUMN     "retiredAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DiscoveredVm" (
    "id" UUID NOT NULL,
    "vsphereRef" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isTemplate" BOOLEAN NOT NULL,
    "guestId" TEXT NOT NULL DEFAULT '',
    "guestFullName" TEXT NOT NULL DEFAULT '',
    "guestOsFamily" "GuestOsFamily" NOT NULL DEFAULT 'OTHER',
    "cpu" INTEGER NOT NULL,
    "ramGb" INTEGER NOT NULL,
    "powerState" "PowerState" NOT NULL DEFAULT 'UNKNOWN',
    "instanceUuid" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "goneAt" TIMESTAMP(3),
    "machineId" UUID,
    "imageId" UUID,

    CONSTRAINT "DiscoveredVm_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DiscoveredVm_vsphereRef_key" ON "DiscoveredVm"("vsphereRef");

-- CreateIndex
CREATE INDEX "DiscoveredVm_name_idx" ON "DiscoveredVm"("name");

-- CreateIndex
CREATE INDEX "DiscoveredVm_machineId_idx" ON "DiscoveredVm"("machineId");

-- CreateIndex
CREATE INDEX "DiscoveredVm_imageId_idx" ON "DiscoveredVm"("imageId");

-- AddForeignKey
ALTER TABLE "DiscoveredVm" ADD CONSTRAINT "DiscoveredVm_machineId_fkey" FOREIGN KEY ("machineId") REFERENCES "Machine"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscoveredVm" ADD CONSTRAINT "DiscoveredVm_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "VmImage"("id") ON DELETE SET NULL ON UPDATE CASCADE;
