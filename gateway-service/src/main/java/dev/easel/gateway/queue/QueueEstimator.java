package dev.easel.gateway.queue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue position and ETA of a queued job, and the backlog gauge. Position counts the queued jobs created
 * before it (the share group hands out jobs roughly in order); the ETA is (position + 1) × the mean run time
 * of recent jobs ÷ the slots serving the queue.
 */
@ApplicationScoped
public class QueueEstimator {

    private final AgroalDataSource dataSource;
    private final QueueConfig config;
    private final AtomicLong backlog = new AtomicLong();
    private volatile double meanJobSeconds;
    private volatile long refreshedAt;

    QueueEstimator(AgroalDataSource dataSource, QueueConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        this.meanJobSeconds = config.assumedJobSeconds();
        registry.gauge("easel_queue_backlog_jobs", backlog, v -> {
            refreshIfStale();
            return v.get();
        });
    }

    public long position(UUID jobId, Instant createdAt) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT count(*) FROM jobs WHERE status = 'queued'
                     AND (created_at < ? OR (created_at = ? AND id < ?))""")) {
            Timestamp at = Timestamp.from(createdAt);
            s.setTimestamp(1, at);
            s.setTimestamp(2, at);
            s.setObject(3, jobId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compute the queue position of job " + jobId, e);
        }
    }

    public double etaSeconds(long position) {
        refreshIfStale();
        return (position + 1) * meanJobSeconds / Math.max(1, config.assumedSlots());
    }

    private void refreshIfStale() {
        long now = System.currentTimeMillis();
        if (now - refreshedAt < config.refreshInterval().toMillis()) {
            return;
        }
        refreshedAt = now;
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT (SELECT count(*) FROM jobs WHERE status = 'queued'),
                            (SELECT avg((metrics->>'run_ms')::float8) FROM (
                                SELECT metrics FROM jobs WHERE status = 'succeeded' AND metrics->>'run_ms' IS NOT NULL
                                AND completed_at > now() - interval '15 minutes'
                                ORDER BY completed_at DESC LIMIT 50) recent)""")) {
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                backlog.set(rs.getLong(1));
                double meanMs = rs.getDouble(2);
                meanJobSeconds = rs.wasNull() ? config.assumedJobSeconds() : meanMs / 1000.0;
            }
        } catch (SQLException e) {
            Log.warnf("queue statistics not refreshed: %s", e.getMessage());
        }
    }
}
