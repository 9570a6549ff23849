package dev.easel.gateway.audit;

import dev.easel.common.json.JsonCodecException;
import dev.easel.platform.database.QueueVacuum;
import dev.easel.platform.health.FailureStreak;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Moves recorded calls from {@code call_log_inbox} into the append-only {@code call_log}: in one transaction it
 * takes a batch from the inbox in the order it was written, gives each call the next sequence number of its
 * tenant and the hash chained to the tenant's previous call ({@link ChainHash}), inserts them and moves the
 * tenants' heads. Every gateway runs a chainer; a transaction-scoped advisory lock lets one at a time work, so each
 * tenant's chain has one writer. A crash rolls the transaction back: the calls stay in the inbox for the next try.
 */
@ApplicationScoped
public class CallChain {

    // Any constant the gateway uses for no other advisory lock.
    private static final long LOCK = 0x6561736c_63686e31L;
    private static final String CLAIM = """
            DELETE FROM call_log_inbox WHERE id IN (SELECT id FROM call_log_inbox ORDER BY id LIMIT ?)
            RETURNING id, entry""";
    private static final String INSERT = """
            INSERT INTO call_log (tenant_id, seq, at, key_id, principal, role, method, route, job_id, status,
                                  error_code, latency_us, client_address, user_agent, request_id, trace_id,
                                  prev_hash, hash)
            SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS int8[]), CAST(? AS timestamptz[]), CAST(? AS text[]),
                                 CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                 CAST(? AS uuid[]), CAST(? AS int4[]), CAST(? AS text[]), CAST(? AS int8[]),
                                 CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                 CAST(? AS text[]), CAST(? AS text[]))""";
    private static final String MOVE_HEADS = """
            INSERT INTO call_log_heads (tenant_id, seq, hash)
            SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS int8[]), CAST(? AS text[]))
            ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash""";

    private final AgroalDataSource dataSource;
    private final CallLogConfig config;
    private final Counter chained;
    private final FailureStreak failures;
    private final QueueVacuum vacuum;
    // The months whose partition is known to exist, and those made by the transaction under way. Chain thread only.
    private final Set<LocalDate> months = new HashSet<>();
    private final Set<LocalDate> madeMonths = new HashSet<>();
    private Thread thread;
    private volatile boolean running;

    CallChain(AgroalDataSource dataSource, CallLogConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        this.chained = Counter.builder("easel_call_log_chained").description("Calls numbered and chained into call_log")
                .register(registry);
        this.failures = new FailureStreak("call log chain", registry);
        this.vacuum = new QueueVacuum(dataSource, "call_log_inbox", config.vacuumEvery(),
                "easel_call_log_inbox_vacuums", "call log inbox vacuum", registry);
    }

    void start(@Observes StartupEvent event) {
        if (config.chainBatch() < 1) {
            throw new IllegalStateException("easel.call-log.chain-batch must be at least 1");
        }
        // Chained even with recording off here: other replicas, or an earlier run, may have left calls.
        running = true;
        thread = Thread.ofPlatform().name("call-log-chain").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        while (running) {
            try {
                int moved;
                do {
                    moved = chainBatch();
                    vacuum.deleted(moved);
                    vacuum.runIfDue();
                } while (moved >= config.chainBatch() && running);
                failures.succeeded().ifPresent(Log::info);
            } catch (SQLException | RuntimeException e) {
                failures.failed(e.toString()).ifPresent(Log::warn);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(config.chainInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Chains one batch, if no other gateway is chaining; returns how many calls it moved. */
    int chainBatch() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int moved = chainBatch(connection);
                connection.commit();
                months.addAll(madeMonths);
                chained.increment(moved);
                return moved;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                madeMonths.clear();
                connection.setAutoCommit(true);
            }
        }
    }

    private int chainBatch(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, LOCK);
            try (ResultSet locked = lock.executeQuery()) {
                if (!locked.next() || !locked.getBoolean(1)) {
                    return 0;
                }
            }
        }
        List<CallEntry> calls = claim(connection);
        if (calls.isEmpty()) {
            return 0;
        }
        ensureMonths(connection, calls);
        Map<String, Head> heads = heads(connection, calls);
        int n = calls.size();
        Object[][] columns = new Object[18][n];
        for (int i = 0; i < n; i++) {
            CallEntry c = calls.get(i);
            Head previous = heads.getOrDefault(c.tenant(), new Head(0, ChainHash.GENESIS));
            long seq = previous.seq() + 1;
            String hash = ChainHash.of(previous.hash(), c.tenant(), seq, c);
            heads.put(c.tenant(), new Head(seq, hash));
            Object[] row = {c.tenant(), seq, c.at().toString(), c.keyId(), c.principal(), c.role(), c.method(),
                    c.route(), c.jobId(), c.status(), c.errorCode(), c.latencyUs(), c.clientAddress(), c.userAgent(),
                    c.requestId(), c.traceId(), previous.hash(), hash};
            for (int column = 0; column < row.length; column++) {
                columns[column][i] = row[column];
            }
        }
        String[] types = {"text", "int8", "text", "text", "text", "text", "text", "text", "uuid", "int4", "text",
                "int8", "text", "text", "text", "text", "text", "text"};
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int column = 0; column < columns.length; column++) {
                insert.setArray(column + 1, connection.createArrayOf(types[column], columns[column]));
            }
            insert.executeUpdate();
        }
        try (PreparedStatement move = connection.prepareStatement(MOVE_HEADS)) {
            move.setArray(1, connection.createArrayOf("text", heads.keySet().toArray()));
            move.setArray(2, connection.createArrayOf("int8", heads.values().stream().map(Head::seq).toArray()));
            move.setArray(3, connection.createArrayOf("text", heads.values().stream().map(Head::hash).toArray()));
            move.executeUpdate();
        }
        return n;
    }

    /** Takes the oldest calls from the inbox, in the order they were written. */
    private List<CallEntry> claim(Connection connection) throws SQLException {
        record Inboxed(long id, String json) {
        }
        List<Inboxed> rows = new ArrayList<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setInt(1, config.chainBatch());
            try (ResultSet rs = claim.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Inboxed(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        rows.sort((a, b) -> Long.compare(a.id(), b.id()));
        List<CallEntry> calls = new ArrayList<>(rows.size());
        for (Inboxed row : rows) {
            try {
                calls.add(CallEntry.fromJson(row.json()));
            } catch (JsonCodecException e) {
                // Only this gateway writes the inbox: a row it cannot read would stop the chain for good if kept.
                Log.errorf("call log: inbox row %d is not a call and is dropped: %s", row.id(), row.json());
            }
        }
        return calls;
    }

    /** Makes the partitions of the calls' months (the migration makes this month's and the next). */
    private void ensureMonths(Connection connection, List<CallEntry> calls) throws SQLException {
        Set<LocalDate> needed = new HashSet<>();
        for (CallEntry call : calls) {
            needed.add(call.at().atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1));
        }
        needed.removeAll(months);
        for (LocalDate month : needed) {
            try (PreparedStatement ensure = connection.prepareStatement("SELECT call_log_ensure_month(?)")) {
                ensure.setObject(1, month);
                ensure.execute();
            }
        }
        madeMonths.addAll(needed);
    }

    private record Head(long seq, String hash) {
    }

    private static Map<String, Head> heads(Connection connection, List<CallEntry> calls) throws SQLException {
        Map<String, Head> heads = new HashMap<>();
        String[] tenants = calls.stream().map(CallEntry::tenant).distinct().toArray(String[]::new);
        try (PreparedStatement read = connection.prepareStatement(
                "SELECT tenant_id, seq, hash FROM call_log_heads WHERE tenant_id = ANY (?) FOR UPDATE")) {
            read.setArray(1, connection.createArrayOf("text", tenants));
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    heads.put(rs.getString(1), new Head(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        return heads;
    }
}
