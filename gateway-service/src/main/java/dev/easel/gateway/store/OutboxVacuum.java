package dev.easel.gateway.store;

import dev.easel.platform.health.FailureStreak;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps {@code job_outbox} small. Every row of the outbox is deleted milliseconds after it was inserted, so
 * without vacuum the table is soon almost all dead tuples, and the relay's claim and the writers' inserts work
 * through them. Autovacuum would do this, but it may be off (as on the machines this project is developed on) or
 * busy elsewhere; the relay therefore vacuums after every {@code easel.outbox.vacuum-every} rows it deleted.
 * {@code SKIP_LOCKED} leaves the table alone while another vacuum (autovacuum, another replica) holds it;
 * {@code TRUNCATE false} never takes the exclusive lock that returning empty pages to the file system needs,
 * which would hold up inserts: the space is reused instead.
 */
final class OutboxVacuum {

    private final AgroalDataSource dataSource;
    private final int every;
    private final Counter runs;
    private final FailureStreak failures;
    private long deletedSince;

    OutboxVacuum(AgroalDataSource dataSource, int every, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.every = every;
        this.runs = Counter.builder("easel_outbox_vacuums").description("VACUUM runs of job_outbox by the outbox relay")
                .register(registry);
        this.failures = new FailureStreak("outbox vacuum", registry);
    }

    /** Counts rows the relay deleted (committed). Relay thread only. */
    void deleted(int rows) {
        deletedSince += rows;
    }

    /**
     * Vacuums once enough deleted rows have accumulated. The relay calls it between batches, with no connection of
     * its own held, so the claim's connection and transaction never wait on a vacuum. Relay thread only.
     */
    void runIfDue() {
        if (every <= 0 || deletedSince < every) {
            return;
        }
        deletedSince = 0;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // VACUUM cannot run inside a transaction block.
            connection.setAutoCommit(true);
            statement.execute("VACUUM (SKIP_LOCKED, TRUNCATE false) job_outbox");
            runs.increment();
            failures.succeeded().ifPresent(Log::info);
        } catch (SQLException e) {
            // The rows are published and deleted either way; a later run reclaims what this one could not.
            failures.failed(e.toString()).ifPresent(Log::warn);
        }
    }
}
