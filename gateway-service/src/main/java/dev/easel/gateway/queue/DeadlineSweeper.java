package dev.easel.gateway.queue;

import dev.easel.common.event.JobEvent;
import dev.easel.gateway.event.JobEventApplier;
import dev.easel.gateway.job.JobService;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Expires queued jobs whose start deadline has passed, through the same state machine as worker events (an
 * {@code Expired} event from the gateway), so a job that no worker reached in time ends as {@code expired}
 * even when no worker is running. Workers also check the deadline when they acquire a job.
 */
@ApplicationScoped
public class DeadlineSweeper {

    private final AgroalDataSource dataSource;
    private final JobEventApplier applier;
    private final QueueConfig config;
    private final FailureStreak failures;
    private ScheduledExecutorService timer;

    DeadlineSweeper(AgroalDataSource dataSource, JobEventApplier applier, QueueConfig config, MeterRegistry registry) {
        this.failures = new FailureStreak("start-deadline sweep", registry);
        this.dataSource = dataSource;
        this.applier = applier;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("deadline-sweeper").daemon().unstarted(r));
        long period = config.deadlineSweepInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sweepSafely() {
        try {
            sweep();
            failures.succeeded().ifPresent(Log::info);
        } catch (SQLException | RuntimeException e) {
            failures.failed(e.toString()).ifPresent(Log::warn);
        }
    }

    /** Expires every overdue queued job; returns how many. */
    public int sweep() throws SQLException {
        List<Overdue> overdue = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT id, applied_attempt, applied_seq FROM jobs
                     WHERE status = 'queued' AND start_deadline < now() ORDER BY start_deadline LIMIT 500""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                overdue.add(new Overdue(rs.getObject(1).toString(), rs.getInt(2), rs.getLong(3)));
            }
        }
        for (Overdue job : overdue) {
            applier.apply(new JobEvent.Expired(job.id(), Math.max(1, job.attempt()), job.seq() + 1,
                    JobService.GATEWAY, Instant.now()));
        }
        return overdue.size();
    }

    private record Overdue(String id, int attempt, long seq) {
    }
}
