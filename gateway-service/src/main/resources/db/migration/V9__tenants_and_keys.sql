-- Identity (docs/architecture.md, "Identity"): tenants own jobs, uploads, results and API keys.

CREATE TABLE tenants (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text        NOT NULL,
    -- The result-cache pool the tenant's jobs share results in; null: its own (results never cross tenants).
    cache_pool  text        CHECK (cache_pool ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz
);

-- Every job stored before tenants existed belonged to the one tenant there was.
INSERT INTO tenants (id, name) VALUES ('public', 'Jobs from before tenants');

CREATE TABLE api_keys (
    -- The short public part of a key (easel_sk_<id>_<secret>): how a key is found, named in logs and the call log.
    id           text        PRIMARY KEY CHECK (id ~ '^[a-z0-9]{16}$'),
    tenant_id    text        NOT NULL REFERENCES tenants (id),
    name         text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('viewer', 'member', 'admin', 'operator')),
    -- HMAC-SHA256 of the secret under the server's pepper; the secret itself is never stored.
    secret_hash  bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at DESC);

ALTER TABLE jobs ADD COLUMN tenant_id text NOT NULL DEFAULT 'public';
ALTER TABLE jobs ALTER COLUMN tenant_id DROP DEFAULT;
-- Who submitted the job: an API key id or a single-sign-on subject (a member may cancel only its own jobs).
ALTER TABLE jobs ADD COLUMN owner text;
