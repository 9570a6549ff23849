package dev.easel.gateway.store;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Tells a database that cannot serve requests (unreachable, shutting down, out of connections) from a statement it
 * refused. The first is answered 503 {@code database_unavailable} and retried by clients; the second is a bug or a
 * conflict (a constraint, a deadlock, a query of ours), answered 500 and logged where it reaches a client.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {
    }

    /** Whether an {@link SQLException} somewhere in the cause chain says the database is unavailable. */
    public static boolean causedBy(Throwable failure) {
        return sqlCause(failure).map(DatabaseOutage::isOutage).orElse(false);
    }

    /** The first {@link SQLException} in the cause chain: what the database said, under the layers that wrapped it. */
    public static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /**
     * Data exceptions (class 22), integrity violations (23), transaction rollbacks such as deadlocks (40) and
     * syntax or access errors (42) come from the statements and their neighbours; everything else (08 connection
     * exceptions, 53 insufficient resources, 57P shutdowns, the pool's acquisition timeout and a commit timeout,
     * both without a state) from the database's condition.
     */
    public static boolean isOutage(SQLException e) {
        String state = e.getSQLState();
        return state == null || !(state.startsWith("22") || state.startsWith("23") || state.startsWith("40")
                || state.startsWith("42"));
    }
}
