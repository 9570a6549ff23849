-- Cancel requests for running jobs (the worker stops at its next step and reports canceled), and the
-- deadline sweep's index.

ALTER TABLE jobs ADD COLUMN cancel_requested_at timestamptz;

CREATE INDEX jobs_start_deadline_idx ON jobs (start_deadline) WHERE status = 'queued' AND start_deadline IS NOT NULL;
