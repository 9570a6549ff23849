-- The mean run time behind queue ETAs reads the latest jobs a worker ran. Jobs answered by the cache (hits,
-- gateway similar reuse, coalesced followers) carry no run time of their own and are far more numerous, so
-- the index holds only the others: the query reads at most its 50 newest entries.
CREATE INDEX jobs_worker_completed_idx ON jobs (completed_at DESC)
    WHERE status = 'succeeded' AND (cache_outcome IS NULL OR cache_outcome IN ('miss', 'bypass', 'unavailable'));
