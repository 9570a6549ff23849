-- The result cache (ARCHITECTURE §5): the keys a job's result is stored under, and for jobs answered by the
-- cache the job whose result they reuse (hit, similar) or wait for (coalesced).

ALTER TABLE jobs
    ADD COLUMN cache_key          text,
    ADD COLUMN cache_any_seed_key text,
    ADD COLUMN cache_scope_key    text,
    ADD COLUMN cache_source       uuid,
    ADD COLUMN cache_similarity   double precision;

-- The followers of a job in flight, resolved when it finishes.
CREATE INDEX jobs_followers_idx ON jobs (cache_source, created_at, id)
    WHERE status = 'queued' AND cache_outcome = 'coalesced';

-- Followers wait for their leader, not for a worker: the queue is the queued jobs that are not followers.
DROP INDEX jobs_queued_idx;
CREATE INDEX jobs_queued_idx ON jobs (created_at, id)
    WHERE status = 'queued' AND cache_outcome IS DISTINCT FROM 'coalesced';
