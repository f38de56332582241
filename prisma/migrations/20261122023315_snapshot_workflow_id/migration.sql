/*
  Warnings:

  - A unique constraint covering the columns `[workflowId]` on the table `Snapshot` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "Snapshot" ADD COLUMN     "workflowId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Snapshot_workflowId_key" ON "Snapshot"("workflowId");
