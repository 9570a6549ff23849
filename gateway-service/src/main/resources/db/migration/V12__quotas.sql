-- Quotas (docs/api.md, "Quotas"): per tenant (set by operators) and per API key (set by the tenant's admins); null:
-- no quota of that kind.
ALTER TABLE tenants ADD COLUMN max_active_jobs integer CHECK (max_active_jobs >= 0);
ALTER TABLE tenants ADD COLUMN max_images_per_day integer CHECK (max_images_per_day >= 0);
ALTER TABLE tenants ADD COLUMN max_images_per_month integer CHECK (max_images_per_month >= 0);
ALTER TABLE api_keys ADD COLUMN max_active_jobs integer CHECK (max_active_jobs >= 0);
ALTER TABLE api_keys ADD COLUMN max_images_per_day integer CHECK (max_images_per_day >= 0);
ALTER TABLE api_keys ADD COLUMN max_images_per_month integer CHECK (max_images_per_month >= 0);
