-- CreateEnum
CREATE TYPE "GuestOsFamily" AS ENUM ('WINDOWS', 'LINUX', 'OTHER');

-- AlterTable
ALTER TABLE "VmImage" ADD COLUMN     "guestOsFamily" "GuestOsFamily" NOT NULL DEFAULT 'OTHER';

-- Existing images: the family from the vSphere guest id (the same rule as domain/guestOs.ts).
UPDATE "VmImage" SET "guestOsFamily" = 'WINDOWS' WHERE "guestOs" ILIKE 'win%';
UPDATE "VmImage" SET "guestOsFamily" = 'LINUX'
  WHERE "guestOsFamily" = 'OTHER'
    AND "guestOs" ~* '(linux|rhel|centos|ubuntu|debian|sles|suse|oracle|photon|rocky|alma|fedora|coreos|asianux|amazon)';
