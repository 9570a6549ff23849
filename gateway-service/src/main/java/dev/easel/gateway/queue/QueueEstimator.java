package dev.easel.gateway.queue;

import dev.easel.common.queue.WorkerHeartbeat;
import dev.easel.gateway.model.WorkerDirectory;
import dev.easel.platform.health.FailureStreak;
import io.agroal.api.AgroalDataSource;
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
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue position and ETA of a queued job, and the backlog gauge. Position counts the queued jobs created
 * before it (the share group hands out jobs roughly in order); the ETA is (position + 1) × the mean run time
 * of recent jobs ÷ the slots of the live workers (or {@code assumed-slots} while none reports). The backlog, its
 * order ({@link QueueSnapshot}) and the mean run time are read by a background thread every
 * {@code refresh-interval} (spaced further when reading a large backlog gets expensive), never on a request: a
 * client polling queued jobs costs the database nothing.
 */
@ApplicationScoped
public class QueueEstimator {

    static final int COST_FACTOR = 20;
    static final int MAX_SPACING = 10;

    private final AgroalDataSource dataSource;
    private final QueueConfig config;
    private final AtomicLong backlog = new AtomicLong();
    private volatile QueueSnapshot snapshot = QueueSnapshot.EMPTY;
    private volatile double meanJobSeconds;
    private final FailureStreak failures;
    private ScheduledExecutorService timer;

    private final WorkerDirectory workers;

    QueueEstimator(AgroalDataSource dataSource, QueueConfig config, WorkerDirectory workers, MeterRegistry registry) {
        this.failures = new FailureStreak("queue statistics", registry);
        this.workers = workers;
        this.dataSource = dataSource;
        this.config = config;
        this.meanJobSeconds = config.assumedJobSeconds();
        registry.gauge("easel_queue_backlog_jobs", backlog, AtomicLong::get);
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("queue-statistics").daemon().unstarted(r));
        timer.schedule(this::refreshAndReschedule, 0, TimeUnit.MILLISECONDS);
    }

    private void refreshAndReschedule() {
        long started = System.nanoTime();
        refresh();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        try {
            timer.schedule(this::refreshAndReschedule, nextRefreshDelay(config.refreshInterval(), took).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down.
        }
    }

    /**
     * The wait before the next recount: {@code refresh-interval}, or longer when the last count was expensive, so
     * that the statistics query keeps to 1/{@value #COST_FACTOR} of one database core. Counting a backlog is linear
     * in its size (33-150 ms for 100,000-250,000 queued jobs where autovacuum is off); such a backlog changes by a
     * small fraction of itself between counts a few seconds apart. The wait never exceeds
     * {@value #MAX_SPACING} refresh intervals: a count that took long because the database hung for a while says
     * nothing of its cost, and must not leave the statistics stale for twenty times the outage.
     */
    static Duration nextRefreshDelay(Duration interval, Duration lastQueryTook) {
        Duration spaced = lastQueryTook.multipliedBy(COST_FACTOR);
        Duration atLeastInterval = spaced.compareTo(interval) > 0 ? spaced : interval;
        Duration longest = interval.multipliedBy(MAX_SPACING);
        return atLeastInterval.compareTo(longest) < 0 ? atLeastInterval : longest;
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Queued jobs ahead of this one, from the last read of the backlog (at most {@code refresh-interval} old). */
    public long position(UUID jobId, Instant createdAt) {
        return snapshot.position(createdAt, jobId);
    }

    /**
     * The backlog as last counted (at most {@code refresh-interval} old): the position of a job that was just
     * queued, without a count per submit.
     */
    public long recentBacklog() {
        return backlog.get();
    }

    public double etaSeconds(long position) {
        int liveSlots = workers.workers().stream().mapToInt(WorkerHeartbeat::slots).sum();
        return (position + 1) * meanJobSeconds / Math.max(1, liveSlots > 0 ? liveSlots : config.assumedSlots());
    }

    /** Mean run time of the latest jobs workers ran (cache answers excluded), or the configured assumption. */
    double meanJobSeconds() {
        return meanJobSeconds;
    }

    void refresh() {
        try (Connection c = dataSource.getConnection()) {
            QueueSnapshot read = readBacklog(c);
            double meanMs = meanRunMillis(c);
            snapshot = read;
            backlog.set(read.size());
            meanJobSeconds = Double.isNaN(meanMs) ? config.assumedJobSeconds() : meanMs / 1000.0;
            failures.succeeded().ifPresent(Log::info);
        } catch (SQLException | RuntimeException e) {
            failures.failed(e.toString()).ifPresent(Log::warn);
        }
    }

    /** The backlog in queue order, read in steps (a cursor: pgjdbc fetches in steps only inside a transaction). */
    private static QueueSnapshot readBacklog(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("""
                SELECT created_at, id FROM jobs WHERE status = 'queued' AND cache_outcome IS DISTINCT FROM 'coalesced'
                ORDER BY created_at, id""")) {
            s.setFetchSize(2000);
            QueueSnapshot.Builder snapshot = new QueueSnapshot.Builder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    snapshot.add(rs.getTimestamp(1).toInstant(), rs.getObject(2, UUID.class));
                }
            }
            return snapshot.build();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /** Mean run time in ms of the latest jobs workers ran (cache answers excluded); NaN when none ran lately. */
    private static double meanRunMillis(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT avg((metrics->>'run_ms')::float8) FROM (
                    SELECT metrics FROM jobs
                    WHERE status = 'succeeded'
                    AND (cache_outcome IS NULL OR cache_outcome IN ('miss', 'bypass', 'unavailable'))
                    AND completed_at > now() - interval '15 minutes'
                    ORDER BY completed_at DESC LIMIT 50) recent
                WHERE metrics->>'run_ms' IS NOT NULL""");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            double mean = rs.getDouble(1);
            return rs.wasNull() ? Double.NaN : mean;
        }
    }
}
