-- Request-rate limits (docs/api.md, "Rate limits"): a token bucket per tenant (set by operators) and per API key
-- (set by the tenant's admins); null: no limit at that level.
ALTER TABLE tenants ADD COLUMN rate_per_second double precision CHECK (rate_per_second > 0);
ALTER TABLE tenants ADD COLUMN rate_burst integer CHECK (rate_burst >= 1);
ALTER TABLE tenants ADD CONSTRAINT tenants_rate_limit_whole CHECK ((rate_per_second IS NULL) = (rate_burst IS NULL));
ALTER TABLE api_keys ADD COLUMN rate_per_second double precision CHECK (rate_per_second > 0);
ALTER TABLE api_keys ADD COLUMN rate_burst integer CHECK (rate_burst >= 1);
ALTER TABLE api_keys ADD CONSTRAINT api_keys_rate_limit_whole CHECK ((rate_per_second IS NULL) = (rate_burst IS NULL));
