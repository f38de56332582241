-- The name filter's trigram index without a pending list (issue 16). With GIN's default
-- fastupdate, new entries (every clone inserted, and every update of a clone that is not HOT,
-- e.g. a status change) wait in an unsorted pending list that each search reads through, until
-- a VACUUM or autoanalyze merges it; a manual ANALYZE does not. Measured at 100,000 clones:
-- 2,824 entries pending after a bulk insert made a one-clone name search read 310 index pages
-- in 8.0 ms, against 175 pages in 3.6 ms once merged. Without the list, a search costs the same
-- whenever it runs, and each write of the index does its share at once (a bulk insert of
-- 100,000 clones: 9.6 s → 16.8 s); clones are written a few at a time.
ALTER INDEX "Clone_name_trgm_idx" SET (fastupdate = off);

-- Turning fastupdate off does not move the entries already pending: merge them now.
SELECT gin_clean_pending_list('"Clone_name_trgm_idx"'::regclass);
