-- Members (docs/api.md, "Members"): a tenant's admins grant a single-sign-on subject a role in their tenant, beside
-- or instead of what the provider's claims grant.
CREATE TABLE members (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    subject    text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    role       text        NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text,
    PRIMARY KEY (tenant_id, subject)
);
