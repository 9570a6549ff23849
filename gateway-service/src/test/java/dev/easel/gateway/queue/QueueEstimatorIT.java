package dev.easel.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.store.JobRows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Queue statistics from the real job table. */
@QuarkusTest
class QueueEstimatorIT {

    @Inject
    QueueEstimator estimator;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theMeanRunTimeComesFromJobsWorkersRanNotFromCacheAnswers() throws Exception {
        List<UUID> rows = new ArrayList<>();
        // Completed a little in the future, so they are the newest rows whatever other tests left behind.
        Instant soon = Instant.now().plusSeconds(60);
        try {
            for (int i = 0; i < 50; i++) {
                rows.add(insert(i % 2 == 0 ? "miss" : "bypass", 4000, soon));
            }
            for (int i = 0; i < 60; i++) {
                rows.add(insert(i % 3 == 0 ? "hit" : i % 3 == 1 ? "coalesced" : "similar", 0, soon.plusSeconds(1)));
            }

            estimator.refresh();

            assertThat(estimator.meanJobSeconds()).isEqualTo(4.0);
        } finally {
            JobRows.delete(dataSource, rows);
        }
    }

    @Test
    void theNewestWorkerRunsCanBeReadThroughTheirOwnIndex() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            // A test table is small enough for a sequential scan to win; what matters is that the index applies.
            try (var off = c.createStatement()) {
                off.execute("SET enable_seqscan = off");
            }
            try (PreparedStatement s = c.prepareStatement("""
                     EXPLAIN SELECT metrics FROM jobs
                     WHERE status = 'succeeded'
                     AND (cache_outcome IS NULL OR cache_outcome IN ('miss', 'bypass', 'unavailable'))
                     AND completed_at > now() - interval '15 minutes'
                     ORDER BY completed_at DESC LIMIT 50""");
                 ResultSet plan = s.executeQuery()) {
                StringBuilder text = new StringBuilder();
                while (plan.next()) {
                    text.append(plan.getString(1)).append('\n');
                }
                assertThat(text.toString()).contains("jobs_worker_completed_idx");
            } finally {
                try (var on = c.createStatement()) {
                    on.execute("RESET enable_seqscan");
                }
            }
        }
    }

    private UUID insert(String cacheOutcome, long runMs, Instant completedAt) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     INSERT INTO jobs (id, tenant_id, kind, model, status, spec, cache_outcome, metrics, created_at, completed_at)
                     VALUES (?, 'public', 'text_to_image', 'tiny-shapes', 'succeeded', '{}'::jsonb, ?, CAST(? AS jsonb), ?, ?)""")) {
            s.setObject(1, id);
            s.setString(2, cacheOutcome);
            s.setString(3, "{\"queue_ms\": 0, \"run_ms\": " + runMs + ", \"inference_ms\": 0, \"upload_ms\": 0}");
            s.setTimestamp(4, Timestamp.from(completedAt.minusSeconds(5)));
            s.setTimestamp(5, Timestamp.from(completedAt));
            s.executeUpdate();
        }
        return id;
    }
}
