-- CreateTable
CREATE TABLE "CloneTally" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "live" INTEGER NOT NULL,
    "all" INTEGER NOT NULL,

    CONSTRAINT "CloneTally_pkey" PRIMARY KEY ("id")
);

-- Kept by PostgreSQL itself: one statement-level trigger per kind of change, each adding what the
-- statement changed (a bulk insert of 100,000 clones is one update of the tally, not 100,000).
-- Concurrent writers queue on the tally row's lock for the rest of their transaction, so every
-- committed state of the tally matches the committed clones. Clone updates that do not move a
-- clone in or out of "deleted" leave the row alone (no lock, no dead tuple).

-- Inserts add, deletes take away, what their statement changed (named "changed" by both triggers).
CREATE FUNCTION clone_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  sign int := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  UPDATE "CloneTally" SET "all" = "all" + sign * c.all_rows, "live" = "live" + sign * c.live_rows
  FROM (SELECT count(*)::int AS all_rows, count(*) FILTER (WHERE "deletedAt" IS NULL)::int AS live_rows FROM changed) c
  WHERE "CloneTally".id = 1 AND c.all_rows > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION clone_tally_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta int := (SELECT count(*) FROM after_rows WHERE "deletedAt" IS NULL) - (SELECT count(*) FROM before_rows WHERE "deletedAt" IS NULL);
BEGIN
  IF delta <> 0 THEN
    UPDATE "CloneTally" SET "live" = "live" + delta WHERE id = 1;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION clone_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "CloneTally" SET "all" = 0, "live" = 0 WHERE id = 1;
  RETURN NULL;
END $$;

CREATE TRIGGER clone_tally_insert AFTER INSERT ON "Clone" REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION clone_tally_add();
CREATE TRIGGER clone_tally_delete AFTER DELETE ON "Clone" REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION clone_tally_add();
CREATE TRIGGER clone_tally_update AFTER UPDATE ON "Clone" REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION clone_tally_update();
CREATE TRIGGER clone_tally_truncate AFTER TRUNCATE ON "Clone" FOR EACH STATEMENT EXECUTE FUNCTION clone_tally_truncate();

-- The clones there already.
INSERT INTO "CloneTally" ("id", "live", "all")
SELECT 1, count(*) FILTER (WHERE "deletedAt" IS NULL), count(*) FROM "Clone";
