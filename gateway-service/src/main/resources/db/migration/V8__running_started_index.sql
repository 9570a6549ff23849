-- The run-time limit's sweep: running jobs by start time (a few rows at any time, each moment's handful of runs).
CREATE INDEX jobs_running_started_idx ON jobs (started_at) WHERE status = 'running';
