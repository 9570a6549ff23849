package dev.easel.gateway.audit;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Checks a range of a tenant's chain: the sequence numbers follow each other without a gap, each call's
 * {@code prev_hash} is its predecessor's {@code hash}, each {@code hash} is the one its stored fields give
 * ({@link ChainHash}), and a range that reaches the chain's end ends at the head the chainer recorded. The first
 * call of the range is trusted as the anchor unless it is the chain's first call, whose predecessor is
 * {@link ChainHash#GENESIS}; retention may have dropped the calls before it.
 */
@ApplicationScoped
public class CallChainVerifier {

    private static final int FETCH = 1000;

    private final AgroalDataSource dataSource;

    CallChainVerifier(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The outcome.
     *
     * @param checked how many calls were checked
     * @param firstSeq the first call checked, null when none
     * @param lastSeq the last call checked, null when none
     * @param intact whether everything checked holds
     * @param brokenAt the first call that does not hold, null when intact
     * @param problem what is wrong there, null when intact
     */
    public record Verification(String tenant, long checked, Long firstSeq, Long lastSeq, boolean intact, Long brokenAt,
                               String problem) {
    }

    /** Verifies the tenant's calls with {@code fromSeq <= seq <= toSeq}. */
    public Verification verify(String tenant, long fromSeq, long toSeq) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // One snapshot for the rows and the head.
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return verify(connection, tenant, fromSeq, toSeq);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    private static Verification verify(Connection connection, String tenant, long fromSeq, long toSeq)
            throws SQLException {
        long checked = 0;
        Long first = null;
        LoggedCall previous = null;
        try (PreparedStatement select = connection.prepareStatement("SELECT " + CallLogRows.COLUMNS
                + " FROM call_log WHERE tenant_id = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
            select.setFetchSize(FETCH);
            select.setString(1, tenant);
            select.setLong(2, fromSeq);
            select.setLong(3, toSeq);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    LoggedCall call = CallLogRows.read(rs);
                    String problem = problem(previous, call);
                    if (problem != null) {
                        return new Verification(tenant, checked, first, previous == null ? null : previous.seq(),
                                false, call.seq(), problem);
                    }
                    if (first == null) {
                        first = call.seq();
                    }
                    checked++;
                    previous = call;
                }
            }
        }
        if (previous != null) {
            try (PreparedStatement head = connection.prepareStatement(
                    "SELECT seq, hash FROM call_log_heads WHERE tenant_id = ?")) {
                head.setString(1, tenant);
                try (ResultSet rs = head.executeQuery()) {
                    boolean known = rs.next();
                    if (!known || rs.getLong(1) < previous.seq()) {
                        return new Verification(tenant, checked, first, previous.seq(), false, previous.seq(),
                                "the chain's recorded head is before this call");
                    }
                    if (rs.getLong(1) <= toSeq && (rs.getLong(1) != previous.seq() || !rs.getString(2).equals(previous.hash()))) {
                        return new Verification(tenant, checked, first, previous.seq(), false, rs.getLong(1),
                                "the chain ends at seq " + previous.seq() + " but its recorded head is seq "
                                        + rs.getLong(1) + " with another hash");
                    }
                }
            }
        }
        return new Verification(tenant, checked, first, previous == null ? null : previous.seq(), true, null, null);
    }

    /** What is wrong with this call after that one (null: the range's first), or null. */
    private static String problem(LoggedCall previous, LoggedCall call) {
        if (previous == null) {
            if (call.seq() == 1 && !call.prevHash().equals(ChainHash.GENESIS)) {
                return "the chain's first call does not start from the genesis hash";
            }
        } else if (call.seq() != previous.seq() + 1) {
            return "calls " + (previous.seq() + 1) + " to " + (call.seq() - 1) + " are missing";
        } else if (!call.prevHash().equals(previous.hash())) {
            return "prev_hash is not the hash of call " + previous.seq();
        }
        if (!call.hash().equals(ChainHash.of(call.prevHash(), call.call().tenant(), call.seq(), call.call()))) {
            return "the call's fields do not give its hash: the row was changed";
        }
        return null;
    }
}
