-- cache_scope_key (V3) was meant for similar-prompt reuse; the scope now travels to the worker in the job's
-- easel.jobs record instead (docs/architecture.md, "Similar-prompt reuse"), so nothing reads or writes it.
ALTER TABLE jobs DROP COLUMN cache_scope_key;
