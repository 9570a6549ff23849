package dev.easel.gateway.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which calls of a tenant to read; every field may be null (no condition).
 *
 * @param from calls that arrived at or after this time
 * @param to calls that arrived before this time
 * @param status the HTTP status answered
 * @param errorCode the problem's {@code code}
 */
public record CallFilter(Instant from, Instant to, String keyId, String method, String route, Integer status,
                         String errorCode, UUID jobId) {

    public static final CallFilter ALL = new CallFilter(null, null, null, null, null, null, null, null);

    /** The SQL conditions, each with one parameter, joined with AND after the tenant's own. */
    String where() {
        StringBuilder sql = new StringBuilder("tenant_id = ?");
        for (Condition condition : conditions()) {
            sql.append(" AND ").append(condition.sql());
        }
        return sql.toString();
    }

    /** The values of {@link #where}'s parameters after the tenant, in order. */
    List<Object> values() {
        return conditions().stream().map(Condition::value).toList();
    }

    private record Condition(String sql, Object value) {
    }

    private List<Condition> conditions() {
        List<Condition> conditions = new ArrayList<>();
        if (from != null) {
            conditions.add(new Condition("at >= CAST(? AS timestamptz)", from.toString()));
        }
        if (to != null) {
            conditions.add(new Condition("at < CAST(? AS timestamptz)", to.toString()));
        }
        if (keyId != null) {
            conditions.add(new Condition("key_id = ?", keyId));
        }
        if (method != null) {
            conditions.add(new Condition("method = ?", method));
        }
        if (route != null) {
            conditions.add(new Condition("route = ?", route));
        }
        if (status != null) {
            conditions.add(new Condition("status = ?", status));
        }
        if (errorCode != null) {
            conditions.add(new Condition("error_code = ?", errorCode));
        }
        if (jobId != null) {
            conditions.add(new Condition("job_id = ?", jobId));
        }
        return conditions;
    }
}
