-- The call log (docs/api.md, "Call log"): one row per API call, accepted or refused.
--
-- call_log_inbox takes the calls as the gateways record them: an accepted submit's call with its job, in the
-- same statement; every other call in batches. One gateway at a time (an advisory lock) moves inbox rows into
-- call_log, numbering them per tenant and chaining their hashes (call_log_heads holds each chain's last link).
CREATE TABLE call_log_inbox (
    id bigserial PRIMARY KEY,
    entry text NOT NULL              -- the call as JSON (not jsonb: nothing reads into it, so nothing parses it)
);

CREATE TABLE call_log_heads (
    tenant_id text PRIMARY KEY,
    seq bigint NOT NULL,
    hash text NOT NULL
);

-- Append-only and partitioned by month: retention drops whole months (call_log_drop_before).
CREATE TABLE call_log (
    tenant_id text NOT NULL,          -- '-' for calls refused before a tenant was known
    seq bigint NOT NULL,              -- the call's place in its tenant's chain, from 1
    at timestamptz NOT NULL,          -- when the call arrived
    key_id text,
    principal text,
    role text,
    method text NOT NULL,
    route text NOT NULL,
    job_id uuid,
    status integer NOT NULL,
    error_code text,
    latency_us bigint NOT NULL,
    client_address text,
    user_agent text,
    request_id text,
    trace_id text,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (tenant_id, seq, at)
) PARTITION BY RANGE (at);

-- No index besides the key: a tenant's calls are read by seq (the key's order), and a time range picks partitions.

-- Nobody changes or deletes a row: not the gateway, not its database role (which owns the table here; a
-- deployment that runs the gateway under a role of its own grants it INSERT and SELECT only).
CREATE FUNCTION call_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'call_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER call_log_append_only BEFORE UPDATE OR DELETE ON call_log
    FOR EACH ROW EXECUTE FUNCTION call_log_refuse_change();
CREATE TRIGGER call_log_no_truncate BEFORE TRUNCATE ON call_log
    FOR EACH STATEMENT EXECUTE FUNCTION call_log_refuse_change();

-- The month's partition, made when missing (with the TRUNCATE guard, which partitions do not inherit). SECURITY
-- DEFINER: a gateway role without DDL rights may call it.
CREATE FUNCTION call_log_ensure_month(month date) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := format('call_log_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF call_log FOR VALUES FROM (%L) TO (%L)', name,
                   first, (first + interval '1 month')::date);
    EXECUTE format('CREATE TRIGGER call_log_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION call_log_refuse_change()', name);
END
$$;

-- Retention: drops the partitions of the months wholly before the given day; returns how many.
CREATE FUNCTION call_log_drop_before(day date) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public AS $$
DECLARE
    part record;
    dropped integer := 0;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'call_log'::regclass AND c.relname ~ '^call_log_y[0-9]{4}m[0-9]{2}$'
          AND (make_date(substr(c.relname, 11, 4)::int, substr(c.relname, 16, 2)::int, 1)
               + interval '1 month') <= day
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

SELECT call_log_ensure_month(current_date);
SELECT call_log_ensure_month((current_date + interval '1 month')::date);
