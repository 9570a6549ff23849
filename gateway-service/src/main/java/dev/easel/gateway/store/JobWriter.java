package dev.easel.gateway.store;

import dev.easel.gateway.audit.Call;
import dev.easel.platform.concurrent.TimeoutWatch;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Group commit for new jobs. Request threads hand their row (and its {@code easel.jobs} outbox record, if any) to
 * a few writer threads and wait; a writer takes whatever has queued up, at most {@code easel.submit.max-batch}
 * rows, and inserts them, with the outbox records of those inserted, in one statement: one round trip and one
 * WAL flush for the lot instead of a transaction per request. A request that finds no row queued and a writer's
 * share free writes its row itself (an idle gateway answers without a hand-off to another thread and back); under
 * load the rows queue up and the batches grow by themselves while the previous commit flushes. A request is answered only after its
 * batch committed, so an accepted job is as durable as with a transaction of its own.
 *
 * <p>A row whose {@code Idempotency-Key} is already taken (by a committed row or one earlier in the same batch)
 * is skipped, not failed ({@code ON CONFLICT DO NOTHING}): the caller then answers with the job that owns the
 * key. When the database refuses a batch for its content, its rows are written again one transaction each, so one
 * bad row fails only itself; when the database is unavailable, the whole batch fails at once (503).
 */
@ApplicationScoped
public class JobWriter {

    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    private static final Comparator<Pending> KEY_ORDER = Comparator
            .comparing((Pending p) -> p.job().idempotencyKey == null ? null : p.job().tenantId,
                    Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(p -> p.job().idempotencyKey, Comparator.nullsLast(Comparator.naturalOrder()));

    private final AgroalDataSource dataSource;
    private final Outbox outbox;
    private final JobWriterConfig config;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    // One permit per writer: held by whoever writes, a writer thread or a request writing its own row. Fair, so
    // that a writer thread waiting with queued rows goes before a request arriving later.
    private final Semaphore writing;
    private final DistributionSummary batchRows;
    // Fails the rows of non-blocking callers whose commit takes longer than easel.submit.commit-timeout.
    private final TimeoutWatch commits;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean stopped;

    JobWriter(AgroalDataSource dataSource, Outbox outbox, JobWriterConfig config, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.config = config;
        this.writing = new Semaphore(Math.max(1, config.writers()), true);
        this.batchRows = DistributionSummary.builder("easel_submit_batch_rows")
                .description("New job rows committed together in one transaction").register(registry);
        this.commits = new TimeoutWatch("job-writer-timeouts", config.commitTimeout(),
                Infrastructure.getDefaultWorkerPool());
    }

    void start(@Observes StartupEvent event) {
        if (config.writers() < 1 || config.maxBatch() < 1) {
            throw new IllegalStateException("easel.submit.writers and easel.submit.max-batch must be at least 1");
        }
        running = true;
        for (int i = 0; i < config.writers(); i++) {
            writers.add(Thread.ofPlatform().name("job-writer-" + i).daemon().start(this::run));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        // Writers finish what is queued before they exit: those requests are waiting for their answer.
        running = false;
        for (Thread writer : writers) {
            try {
                writer.join(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopped = true;
        failQueued();
        commits.close();
    }

    private static ShuttingDownException shuttingDown() {
        return new ShuttingDownException();
    }

    private void failQueued() {
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.done().completeExceptionally(shuttingDown());
        }
    }

    /**
     * Stores the job's row and, with it, its outbox record; returns once they are committed. For request threads
     * that may block: when nothing is queued and a writer's share is free, the caller writes its row itself.
     *
     * @param record the record that queues the job, or null for a job that needs no worker (a cache hit)
     * @param call the submitting call, whose call log entry is stored with the row; null for none
     * @return false when the row was skipped because its {@code Idempotency-Key} belongs to another job
     * @throws JobWriteException when the row could not be stored
     */
    public boolean insert(JobEntity job, OutboxRecord record, Call call) {
        if (!running) {
            throw shuttingDown();
        }
        Pending pending = new Pending(job, record, call, new CompletableFuture<>());
        try {
            // Timed, so that the fair semaphore lets a writer thread already waiting go first.
            if (queue.isEmpty() && writing.tryAcquire(0, TimeUnit.MILLISECONDS)) {
                // Nothing to group it with: the request writes its row itself, sparing two thread hand-offs.
                try {
                    write(List.of(pending));
                } finally {
                    writing.release();
                }
            } else {
                enqueue(pending);
            }
            return pending.done().get(config.commitTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(job, e.getCause());
        } catch (TimeoutException e) {
            throw failure(job, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The row may still be committed: the caller's request fails, the job would run anyway.
            throw new JobWriteException("job " + job.id + ": interrupted while its row was being stored", e);
        }
    }

    /**
     * The same for callers that must not block (an event loop): the row always goes to a writer thread, and the
     * stage completes on that thread once the batch committed, with the same outcomes and failures as
     * {@link #insert}; after the commit timeout, on a worker thread.
     */
    public CompletionStage<Boolean> insertAsync(JobEntity job, OutboxRecord record, Call call) {
        if (!running) {
            return CompletableFuture.failedFuture(shuttingDown());
        }
        Pending pending = new Pending(job, record, call, new CompletableFuture<>());
        commits.watch(pending.done(), TimeoutException::new);
        enqueue(pending);
        return pending.done().exceptionallyCompose(e -> CompletableFuture.failedFuture(
                failure(job, e instanceof CompletionException ? e.getCause() : e)));
    }

    private void enqueue(Pending pending) {
        queue.add(pending);
        if (stopped) {
            failQueued();
        }
    }

    /** What a request whose row was not stored is told: 503 for the database, its own refusal otherwise. */
    private RuntimeException failure(JobEntity job, Throwable cause) {
        if (cause instanceof TimeoutException) {
            // The batch may still commit: the client is told to retry with its Idempotency-Key (503).
            return new JobWriteException("job " + job.id + ": not committed within " + config.commitTimeout(),
                    new SQLTimeoutException("no commit within " + config.commitTimeout()));
        }
        if (cause instanceof JobWriteException || cause instanceof ShuttingDownException) {
            return (RuntimeException) cause;
        }
        return new JobWriteException("job " + job.id + ": " + cause.getMessage(), cause);
    }

    /** One row waiting for its batch; {@code done} completes with whether it was inserted. */
    record Pending(JobEntity job, OutboxRecord record, Call call, CompletableFuture<Boolean> done) {
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(config.maxBatch());
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                writing.acquire();
                try {
                    batch.add(first);
                    queue.drainTo(batch, config.maxBatch() - 1);
                    write(batch);
                } finally {
                    writing.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Commits the batch and completes every pending row's future, one way or the other. */
    void write(List<Pending> rows) {
        // One lock order for the keys in every batch: two writers inserting the same keys in opposite orders
        // would deadlock on the unique index.
        List<Pending> batch = rows.stream().sorted(KEY_ORDER).toList();
        try {
            boolean[] inserted = commit(batch);
            batchRows.record(batch.size());
            if (batch.stream().anyMatch(p -> p.record() != null)) {
                outbox.committed();
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending pending = batch.get(i);
                if (inserted[i] && pending.call() != null) {
                    pending.call().loggedWithJob();
                }
                pending.done().complete(inserted[i]);
            }
        } catch (SQLException e) {
            // Rows one by one only when the batch was refused for its content: with the database away that would
            // make every row wait out the pool's acquisition timeout in turn.
            if (batch.size() > 1 && !DatabaseOutage.isOutage(e)) {
                Log.warnf("job writer: a batch of %d rows failed (%s); writing them one by one", batch.size(),
                        e.getMessage());
                for (Pending pending : batch) {
                    write(List.of(pending));
                }
                return;
            }
            Log.warnf("job writer: %d row(s) not stored (%s): %s", batch.size(),
                    batch.stream().map(p -> p.job().id.toString()).collect(Collectors.joining(", ")), e.getMessage());
            for (Pending pending : batch) {
                pending.done().completeExceptionally(new JobWriteException("job " + pending.job().id
                        + " could not be stored: " + e.getMessage(), e));
            }
        } catch (RuntimeException | Error e) {
            // Nothing may leave a request waiting forever, nor end a writer thread.
            batch.forEach(p -> p.done().completeExceptionally(e));
            Log.errorf(e, "job writer: unexpected failure of a batch of %d rows", batch.size());
        }
    }

    /** Inserts the rows and the outbox records of those inserted in one statement; true where a row was inserted. */
    private boolean[] commit(List<Pending> batch) throws SQLException {
        Set<UUID> stored = new HashSet<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            // A database that takes the statement and never answers fails the write after commit-timeout (a
            // broken connection) instead of holding the thread, which may be the request's own, for good.
            int networkTimeout = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, config.commitTimeout().toMillis()));
            List<JobEntity> jobs = batch.stream().map(Pending::job).toList();
            List<OutboxRecord> records = batch.stream().map(Pending::record).toList(); // null: no record
            List<Call> calls = batch.stream().map(Pending::call).toList(); // null: not logged with the job
            try (PreparedStatement insert = JobInsert.prepare(connection, jobs, records, calls)) {
                try (ResultSet ids = insert.executeQuery()) {
                    while (ids.next()) {
                        stored.add(ids.getObject(1, UUID.class));
                    }
                }
            } finally {
                restoreNetworkTimeout(connection, networkTimeout);
            }
        }
        boolean[] inserted = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            inserted[i] = stored.contains(batch.get(i).job().id);
        }
        return inserted;
    }

    /** The rows may be committed by now: a failure here must not fail them, and leaves only a stricter timeout. */
    private static void restoreNetworkTimeout(Connection connection, int millis) {
        try {
            connection.setNetworkTimeout(Runnable::run, millis);
        } catch (SQLException e) {
            Log.warnf("job writer: could not restore the connection's network timeout: %s", e.getMessage());
        }
    }
}
