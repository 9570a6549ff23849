-- Tenant-scoped listing and Idempotency-Key per tenant. CONCURRENTLY: the jobs table may be large and in use;
-- Flyway runs a script of such statements outside a transaction.
CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_tenant_created_idx ON jobs (tenant_id, created_at DESC, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_tenant_status_created_idx ON jobs (tenant_id, status, created_at DESC, id DESC);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS jobs_tenant_idempotency_key_idx ON jobs (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS jobs_idempotency_key_idx;
