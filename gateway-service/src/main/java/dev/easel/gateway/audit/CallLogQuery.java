package dev.easel.gateway.audit;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads a tenant's chained calls: pages newest first, or all of them oldest first for an export. */
@ApplicationScoped
public class CallLogQuery {

    private static final int EXPORT_FETCH = 1000;

    private final AgroalDataSource dataSource;

    CallLogQuery(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A page of calls and, when more are left, the {@code seq} below which the next page starts. */
    public record Page(List<LoggedCall> calls, Optional<Long> next) {
    }

    /** Up to {@code limit} calls of the tenant with a {@code seq} below {@code before} (if given), newest first. */
    public Page page(String tenant, CallFilter filter, Optional<Long> before, int limit) throws SQLException {
        String sql = "SELECT " + CallLogRows.COLUMNS + " FROM call_log WHERE " + filter.where()
                + (before.isPresent() ? " AND seq < ?" : "") + " ORDER BY seq DESC LIMIT ?";
        List<LoggedCall> calls = new ArrayList<>(limit + 1);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int i = bind(select, tenant, filter);
            if (before.isPresent()) {
                select.setLong(++i, before.get());
            }
            select.setInt(++i, limit + 1);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    calls.add(CallLogRows.read(rs));
                }
            }
        }
        if (calls.size() <= limit) {
            return new Page(calls, Optional.empty());
        }
        calls.removeLast();
        return new Page(calls, Optional.of(calls.getLast().seq()));
    }

    /** Hands every matching call of the tenant to {@code sink}, oldest first, reading a thousand at a time. */
    public void export(String tenant, CallFilter filter, Consumer<LoggedCall> sink) throws SQLException {
        String sql = "SELECT " + CallLogRows.COLUMNS + " FROM call_log WHERE " + filter.where() + " ORDER BY seq";
        try (Connection connection = dataSource.getConnection()) {
            // A cursor (pgjdbc fetches in steps only inside a transaction): an export never sits whole in memory.
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setFetchSize(EXPORT_FETCH);
                bind(select, tenant, filter);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(CallLogRows.read(rs));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        }
    }

    private static int bind(PreparedStatement select, String tenant, CallFilter filter) throws SQLException {
        int i = 0;
        select.setString(++i, tenant);
        for (Object value : filter.values()) {
            select.setObject(++i, value);
        }
        return i;
    }
}
