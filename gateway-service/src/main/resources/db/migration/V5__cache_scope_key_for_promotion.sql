-- The similar-reuse scope of a stored job (all but prompt and seed; docs/architecture.md, "Similar-prompt reuse").
-- V4 dropped the column V3 had for it because the scope travels in the job's easel.jobs record; but a coalesced
-- follower promoted to run in place of its canceled or expired leader gets its record written later, from its
-- row, and without the scope its result never entered the similar index.
ALTER TABLE jobs ADD COLUMN cache_scope_key text;
