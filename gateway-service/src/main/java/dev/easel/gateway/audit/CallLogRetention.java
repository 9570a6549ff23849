package dev.easel.gateway.audit;

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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@code call_log} to {@code easel.call-log.retention-months}: at start and every six hours it drops the
 * partitions of the months before that (rows are never deleted one by one), and makes next month's partition
 * ahead of time. Both go through the migration's functions, so the gateway's role needs no DDL rights.
 */
@ApplicationScoped
public class CallLogRetention {

    private final AgroalDataSource dataSource;
    private final CallLogConfig config;
    private final FailureStreak failures;
    private ScheduledExecutorService timer;

    CallLogRetention(AgroalDataSource dataSource, CallLogConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        this.failures = new FailureStreak("call log retention", registry);
    }

    void start(@Observes StartupEvent event) {
        if (config.retentionMonths() < 0) {
            throw new IllegalStateException("easel.call-log.retention-months must not be negative");
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("call-log-retention").daemon()
                .factory());
        timer.scheduleWithFixedDelay(this::run, 0, 6, TimeUnit.HOURS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void run() {
        try {
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            int dropped = apply(today);
            if (dropped > 0) {
                Log.infof("call log: dropped %d month(s) before %s (easel.call-log.retention-months=%d)", dropped,
                        cutoff(today), config.retentionMonths());
            }
            failures.succeeded().ifPresent(Log::info);
        } catch (SQLException | RuntimeException e) {
            failures.failed(e.toString()).ifPresent(Log::warn);
        }
    }

    /** Makes next month's partition and drops the months retention no longer keeps; returns how many it dropped. */
    int apply(LocalDate today) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement ensure = connection.prepareStatement("SELECT call_log_ensure_month(?)")) {
                ensure.setObject(1, today.withDayOfMonth(1).plusMonths(1));
                ensure.execute();
            }
            if (config.retentionMonths() == 0) {
                return 0;
            }
            try (PreparedStatement drop = connection.prepareStatement("SELECT call_log_drop_before(?)")) {
                drop.setObject(1, cutoff(today));
                try (ResultSet rs = drop.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }
    }

    /** The first day kept: the first of the month {@code retention-months} before this one. */
    LocalDate cutoff(LocalDate today) {
        return today.withDayOfMonth(1).minusMonths(config.retentionMonths());
    }
}
