-- Job records (owned by the gateway) and the transactional outbox that hands them to Kafka.

CREATE TABLE jobs (
    id              uuid        PRIMARY KEY,
    kind            text        NOT NULL,
    model           text        NOT NULL,
    status          text        NOT NULL
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'expired')),
    spec            jsonb       NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    cache_outcome   text,
    attempts        integer     NOT NULL DEFAULT 0,
    -- Highest (attempt, seq) applied; events at or below it are duplicates or stale.
    applied_attempt integer     NOT NULL DEFAULT 0,
    applied_seq     bigint      NOT NULL DEFAULT -1,
    idempotency_key text,
    request_hash    text,
    result          jsonb,
    error           jsonb,
    metrics         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    completed_at    timestamptz,
    start_deadline  timestamptz
);

-- Newest-first listing with keyset pagination, overall and per status.
CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_status_created_idx ON jobs (status, created_at DESC, id DESC);
-- Queue position and backlog only look at queued rows.
CREATE INDEX jobs_queued_idx ON jobs (created_at, id) WHERE status = 'queued';
CREATE UNIQUE INDEX jobs_idempotency_key_idx ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE job_outbox (
    id          bigserial   PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    topic       text        NOT NULL,
    record_key  text        NOT NULL,
    payload     bytea       NOT NULL,
    headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    attempts    integer     NOT NULL DEFAULT 0,
    last_error  text
);
