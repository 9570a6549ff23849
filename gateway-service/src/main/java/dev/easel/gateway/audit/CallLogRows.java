package dev.easel.gateway.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

/** How a {@code call_log} row is selected and read back. */
final class CallLogRows {

    static final String COLUMNS = "tenant_id, seq, at, key_id, principal, role, method, route, job_id, status, "
            + "error_code, latency_us, client_address, user_agent, request_id, trace_id, prev_hash, hash";

    private CallLogRows() {
    }

    static LoggedCall read(ResultSet rs) throws SQLException {
        CallEntry call = new CallEntry(rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("tenant_id"),
                rs.getString("key_id"), rs.getString("principal"), rs.getString("role"), rs.getString("method"),
                rs.getString("route"), rs.getObject("job_id", UUID.class), rs.getInt("status"),
                rs.getString("error_code"), rs.getLong("latency_us"), rs.getString("client_address"),
                rs.getString("user_agent"), rs.getString("request_id"), rs.getString("trace_id"));
        return new LoggedCall(rs.getLong("seq"), call, rs.getString("prev_hash"), rs.getString("hash"));
    }
}
