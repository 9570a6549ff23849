-- job_outbox is a queue: every row is inserted and deleted within milliseconds, so the table is mostly dead
-- tuples between vacuums. With the default thresholds (20 % of a table that looks empty) autovacuum and
-- analyze hardly ever ran under load, the table grew to tens of megabytes around a few hundred live rows, and
-- the relay's statements read all of it. Vacuum and analyze after every few thousand deletes instead.
ALTER TABLE job_outbox SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 5000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000
);
