package dev.easel.platform.database;

import dev.easel.platform.health.FailureStreak;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Keeps a queue table small: a table whose rows are deleted milliseconds after they were inserted (an outbox, an
 * inbox) is soon almost all dead tuples without vacuum, and the claims and inserts on it work through them.
 * Autovacuum would do this, but it may be off (as on the machines this project is developed on) or busy
 * elsewhere; the table's consumer therefore vacuums after every {@code every} rows it deleted. {@code SKIP_LOCKED}
 * leaves the table alone while another vacuum (autovacuum, another replica) holds it; {@code TRUNCATE false} never
 * takes the exclusive lock that returning empty pages to the file system needs, which would hold up inserts: the
 * space is reused instead. Not thread-safe: one consumer thread uses it.
 */
public final class QueueVacuum {

    private static final Logger LOG = Logger.getLogger(QueueVacuum.class);
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    private final DataSource dataSource;
    private final String table;
    private final int every;
    private final Counter runs;
    private final FailureStreak failures;
    private long deletedSince;

    /**
     * @param every vacuum after this many deleted rows; 0 never
     * @param metric the counter of runs, e.g. {@code easel_outbox_vacuums}
     * @param task what failure logs and {@code easel_task_failures_total} call it, e.g. {@code outbox vacuum}
     */
    public QueueVacuum(DataSource dataSource, String table, int every, String metric, String task,
                       MeterRegistry registry) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.dataSource = dataSource;
        this.table = table;
        this.every = every;
        this.runs = Counter.builder(metric).description("VACUUM runs of " + table + " by its consumer").register(registry);
        this.failures = new FailureStreak(task, registry);
    }

    /** Counts rows the consumer deleted (committed). */
    public void deleted(int rows) {
        deletedSince += rows;
    }

    /**
     * Vacuums once enough deleted rows have accumulated. Call it between batches, with no connection of the
     * consumer's own held, so that its claims never wait on a vacuum.
     */
    public void runIfDue() {
        if (every <= 0 || deletedSince < every) {
            return;
        }
        deletedSince = 0;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // VACUUM cannot run inside a transaction block.
            connection.setAutoCommit(true);
            statement.execute("VACUUM (SKIP_LOCKED, TRUNCATE false) " + table);
            runs.increment();
            log(failures.succeeded(), false);
        } catch (SQLException e) {
            // The rows are consumed and deleted either way; a later run reclaims what this one could not.
            log(failures.failed(e.toString()), true);
        }
    }

    private static void log(Optional<String> message, boolean failed) {
        message.ifPresent(m -> {
            if (failed) {
                LOG.warn(m);
            } else {
                LOG.info(m);
            }
        });
    }
}
