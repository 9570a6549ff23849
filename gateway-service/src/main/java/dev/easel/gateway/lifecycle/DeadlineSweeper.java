package dev.easel.gateway.lifecycle;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.gateway.queue.QueueConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Expires queued jobs whose start deadline has passed, through the same state machine as worker events (an
 * {@code Expired} event from the gateway), so a job that no worker reached in time ends as {@code expired}
 * even when no worker is running, and its cancel flag is raised. Workers also check the deadline when they first
 * acquire a job. Running jobs past {@code easel.queue.max-run-time} fail the same way ({@code Failed},
 * {@code run_timeout}), with their cancel flag raised.
 */
@ApplicationScoped
public class DeadlineSweeper {

    private static final String UNSTARTED = """
            SELECT id, applied_attempt, applied_seq FROM jobs
            WHERE status = 'queued' AND start_deadline < now() ORDER BY start_deadline LIMIT 500""";
    private static final String UNFINISHED = """
            SELECT id, applied_attempt, applied_seq FROM jobs
            WHERE status = 'running' AND started_at < now() - CAST(? AS interval) ORDER BY started_at LIMIT 500""";

    private final AgroalDataSource dataSource;
    private final JobEventApplier applier;
    private final CancelFlags cancelFlags;
    private final QueueConfig config;
    private final FailureStreak failures;
    private ScheduledExecutorService timer;

    DeadlineSweeper(AgroalDataSource dataSource, JobEventApplier applier, CancelFlags cancelFlags, QueueConfig config,
                    MeterRegistry registry) {
        this.failures = new FailureStreak("start-deadline sweep", registry);
        this.dataSource = dataSource;
        this.applier = applier;
        this.cancelFlags = cancelFlags;
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

    /** Expires every overdue queued job and fails every job past the run-time limit; returns how many. */
    public int sweep() throws SQLException {
        List<Overdue> unstarted = overdue(UNSTARTED, null);
        for (Overdue job : unstarted) {
            JobStateMachine.Outcome outcome = applier.apply(new JobEvent.Expired(job.id(), Math.max(1,
                    job.attempt()), job.seq() + 1, JobStateMachine.GATEWAY, Instant.now()));
            if (outcome == JobStateMachine.Outcome.APPLIED) {
                // A worker that takes its record up later (a redelivery, which it does not judge by the deadline
                // again) drops it instead of running it.
                cancelFlags.raise(UUID.fromString(job.id()));
            }
        }
        Duration limit = config.maxRunTime();
        if (!limit.isPositive()) {
            return unstarted.size();
        }
        List<Overdue> unfinished = overdue(UNFINISHED, limit.toMillis() + " milliseconds");
        JobError error = new JobError("run_timeout", "no result within " + limit.toSeconds()
                + " s of the job's start: its worker stopped answering or the run hung", true);
        for (Overdue job : unfinished) {
            JobStateMachine.Outcome outcome = applier.apply(new JobEvent.Failed(job.id(), job.attempt(), job.seq() + 1,
                    JobStateMachine.GATEWAY, Instant.now(), error));
            if (outcome == JobStateMachine.Outcome.APPLIED) {
                // A worker still running it stops at its next step; one that takes it up again skips it.
                cancelFlags.raise(UUID.fromString(job.id()));
                Log.warnf("job %s: failed, still running %s after its start (easel.queue.max-run-time)", job.id(), limit);
            }
        }
        return unstarted.size() + unfinished.size();
    }

    private List<Overdue> overdue(String sql, String interval) throws SQLException {
        List<Overdue> overdue = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (interval != null) {
                s.setString(1, interval);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    overdue.add(new Overdue(rs.getObject(1).toString(), rs.getInt(2), rs.getLong(3)));
                }
            }
        }
        return overdue;
    }

    private record Overdue(String id, int attempt, long seq) {
    }
}
