package dev.easel.gateway.audit;

import dev.easel.platform.health.FailureStreak;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes recorded calls to {@code call_log_inbox} in batches, off the request path: a call is queued in memory and
 * a writer thread inserts what has queued every {@code easel.call-log.flush-interval} or
 * {@code easel.call-log.batch-size} calls, whichever comes first. While PostgreSQL is away the calls wait in
 * memory (up to {@code easel.call-log.buffer-limit}) and the same batch is tried again. At shutdown the writer
 * writes everything queued before it stops.
 *
 * <p>What a crash (not a shutdown) can lose: the calls of the last flush interval, and those held during an
 * outage. Never an accepted submit: its call is written with its job ({@link Call#entryWithJob}).
 */
@ApplicationScoped
public class CallLog {

    private static final String INSERT = "INSERT INTO call_log_inbox (entry) SELECT unnest(CAST(? AS text[]))";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);
    // How often a waiting writer looks whether the gateway is stopping.
    private static final Duration POLL = Duration.ofMillis(50);

    private final AgroalDataSource dataSource;
    private final CallLogConfig config;
    private final BlockingQueue<CallEntry> queue;
    private final Counter written;
    private final Counter dropped;
    private final FailureStreak failures;
    private Thread writer;
    private volatile boolean running;

    CallLog(AgroalDataSource dataSource, CallLogConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        this.queue = new LinkedBlockingQueue<>(Math.max(1, config.bufferLimit()));
        this.written = Counter.builder("easel_call_log_written").description("Calls written to the call log's inbox")
                .register(registry);
        this.dropped = Counter.builder("easel_call_log_dropped").description(
                "Calls not logged because easel.call-log.buffer-limit calls were already waiting").register(registry);
        this.failures = new FailureStreak("call log writer", registry);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            Log.warn("the call log is OFF (easel.call-log.enabled=false): API calls are not recorded");
            return;
        }
        if (config.batchSize() < 1 || config.bufferLimit() < 1) {
            throw new IllegalStateException("easel.call-log.batch-size and buffer-limit must be at least 1");
        }
        running = true;
        writer = Thread.ofPlatform().name("call-log-writer").daemon().start(this::run);
    }

    /** Late among the shutdown observers: calls answered while other parts stop are still written. */
    void stop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 900) ShutdownEvent event) {
        running = false;
        if (writer == null) {
            return;
        }
        LockSupport.unpark(writer);
        try {
            writer.join(STOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!queue.isEmpty()) {
            Log.errorf("call log: %d call(s) could not be written before shutdown", queue.size());
        }
    }

    /** Queues the call for writing; never blocks. */
    public void record(CallEntry entry) {
        if (!queue.offer(entry)) {
            dropped.increment();
            failures.failed("the call log's buffer is full (" + config.bufferLimit() + " calls): calls are dropped")
                    .ifPresent(Log::error);
        }
    }

    private void run() {
        List<CallEntry> batch = new ArrayList<>(config.batchSize());
        long backoff = 100;
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    CallEntry first = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    // Let the interval's calls gather: one statement for all of them. A shutdown ends the wait.
                    long until = System.nanoTime() + config.flushInterval().toNanos();
                    while (running && batch.size() + queue.size() < config.batchSize() && System.nanoTime() < until) {
                        LockSupport.parkNanos(this, Math.min(until - System.nanoTime(), POLL.toNanos()));
                    }
                }
                queue.drainTo(batch, config.batchSize() - batch.size());
                write(batch);
                written.increment(batch.size());
                batch.clear();
                backoff = 100;
                failures.succeeded().ifPresent(Log::info);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                // The batch is kept and tried again; new calls wait in the queue meanwhile.
                failures.failed("call log: " + batch.size() + " call(s) not written yet: " + e.getMessage())
                        .ifPresent(Log::warn);
                if (!running && backoff >= MAX_BACKOFF.toMillis()) {
                    Log.errorf("call log: giving up on %d call(s) at shutdown", batch.size() + queue.size());
                    return;
                }
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(backoff));
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private void write(List<CallEntry> batch) throws SQLException {
        String[] entries = new String[batch.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = batch.get(i).json();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(true);
            insert.setArray(1, connection.createArrayOf("text", entries));
            insert.executeUpdate();
        }
    }
}
