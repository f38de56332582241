-- AlterTable
ALTER TABLE "Clone" ADD COLUMN     "idempotencyRequestHash" TEXT;
