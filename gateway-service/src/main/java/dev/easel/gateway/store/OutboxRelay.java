package dev.easel.gateway.store;

import dev.easel.platform.database.QueueVacuum;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.easel.common.json.JsonCodec;
import dev.easel.platform.health.FailureStreak;
import dev.easel.platform.kafka.DurableProducers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Publishes committed {@code job_outbox} rows to Kafka and deletes them once the broker has acknowledged them.
 *
 * <p>Our own relay rather than a CDC pipeline (Debezium) or a messaging extension: the outbox is one table
 * written by this service, so a take-publish-commit loop (rows deleted under {@code FOR UPDATE SKIP LOCKED},
 * the deletion committed once Kafka acknowledged them) gives prompt delivery (woken on commit; under load it lingers
 * {@code easel.outbox.linger} so that batches grow), safe concurrency
 * between gateway replicas and retry-until-acknowledged without running Kafka Connect. Delivery is at least
 * once: a crash after the broker's ack and before the commit (or its WAL flush) publishes the rows again, which
 * consumers absorb (job ids and event sequence numbers make them idempotent).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    // Beyond delivery.timeout.ms every send has completed; the grace covers clock and scheduling slack.
    private static final Duration ACK_GRACE = Duration.ofSeconds(5);

    private final AgroalDataSource dataSource;
    private final OutboxConfig config;
    private final Map<String, Object> kafka;
    private final Semaphore wakeUps = new Semaphore(0);
    private final Counter published;
    private final Counter refused;
    private final Event<OutboxRecordRefused> refusals;
    private final DistributionSummary batchRows;
    private final FailureStreak failures;
    private final QueueVacuum vacuum;
    private final AtomicLong oldestPendingMillis = new AtomicLong();
    private volatile boolean running;
    private volatile Thread thread;
    private Producer<String, byte[]> producer;

    OutboxRelay(AgroalDataSource dataSource, OutboxConfig config,
                @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry registry,
                Event<OutboxRecordRefused> refusals) {
        this.failures = new FailureStreak("outbox relay", registry);
        this.vacuum = new QueueVacuum(dataSource, "job_outbox", config.vacuumEvery(), "easel_outbox_vacuums",
                "outbox vacuum", registry);
        this.dataSource = dataSource;
        this.config = config;
        this.kafka = kafka;
        this.refusals = refusals;
        this.published = Counter.builder("easel_outbox_published_records")
                .description("Outbox records acknowledged by Kafka").register(registry);
        this.refused = Counter.builder("easel_outbox_refused_records")
                .description("Outbox records Kafka refused for what they are (too large, malformed): dropped, their jobs failed")
                .register(registry);
        this.batchRows = DistributionSummary.builder("easel_outbox_batch_rows")
                .description("Outbox rows taken by one relay round").register(registry);
        registry.gauge("easel_outbox_lag_seconds", oldestPendingMillis, v -> v.get() / 1000.0);
    }

    void start(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            Log.info("outbox relay disabled on this replica");
            return;
        }
        producer = DurableProducers.create(kafka, "outbox", config.sendTimeout());
        running = true;
        thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /** Asks the relay to look at the outbox now; called after a transaction that added rows commits. */
    public void wake() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (running) {
            try {
                int sent = publishBatch();
                backoff = MIN_BACKOFF;
                failures.succeeded().ifPresent(Log::info);
                vacuum.runIfDue();
                if (sent < config.batchSize()) {
                    boolean woken = wakeUps.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    if (woken && sent > 1 && config.linger().isPositive()) {
                        // Commits keep coming: let those of the next moment join this batch.
                        Thread.sleep(config.linger());
                    }
                    wakeUps.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | SQLException e) {
                failures.failed(e.toString() + "; retrying with backoff up to " + config.maxBackoff().toMillis() + " ms")
                        .ifPresent(Log::warn);
                if (!sleep(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Takes up to one batch out of the outbox, publishes it and commits the deletion once the broker acknowledged
     * every record; returns the row count. If some record was not acknowledged the deletion is rolled back, the
     * acknowledged rows are deleted on their own and the rest stay for the next round: a record Kafka cannot take
     * for now (a partition without a leader) holds up only itself. A record Kafka refuses for what it is (too
     * large, malformed: sending it again cannot succeed) is settled instead: {@link OutboxRecordRefused} is fired,
     * and its observer fails the job, before the row is deleted with the acknowledged ones.
     */
    int publishBatch() throws SQLException, InterruptedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Row> rows = take(connection);
                if (rows.isEmpty()) {
                    oldestPendingMillis.set(0);
                    connection.commit();
                    return 0;
                }
                oldestPendingMillis.set(Math.max(0, System.currentTimeMillis() - rows.getFirst().createdAt().getTime()));
                batchRows.record(rows.size());
                List<Future<?>> acks = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
                    row.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                    Future<?> ack = producer.send(record);
                    acks.add(ack);
                    if (ack.isDone() && brokerUnreachable(ack)) {
                        // No metadata within max.block.ms: sending the rest would only wait as long each. Other
                        // failures at send (a record too large) concern that record alone.
                        break;
                    }
                }
                Answers answers = awaitAll(rows, acks);
                List<Row> delivered = answers.delivered();
                List<Row> settled = new ArrayList<>(delivered);
                int refusedRows = 0;
                for (Refusal refusal : answers.refused()) {
                    if (settleRefused(refusal.row(), refusal.reason())) {
                        settled.add(refusal.row());
                        refusedRows++;
                    }
                }
                if (settled.size() < rows.size()) {
                    connection.rollback();
                    deleteSettled(connection, settled);
                    published.increment(delivered.size());
                    refused.increment(refusedRows);
                    throw new OutboxPublishException((rows.size() - settled.size()) + " of " + rows.size()
                            + " records were not acknowledged by Kafka", null);
                }
                connection.commit();
                published.increment(delivered.size());
                refused.increment(refusedRows);
                vacuum.deleted(settled.size());
                return rows.size();
            } catch (RuntimeException | SQLException | InterruptedException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    // A broken connection: its transaction ends with it. The cause to report is the first one.
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /**
     * Waits until every send has completed, one way or the other, and returns the rows Kafka acknowledged and
     * those whose record it refused for good. Abandoning a pending send would let it succeed later while its row is
     * sent again: a duplicate.
     */
    private Answers awaitAll(List<Row> rows, List<Future<?>> acks) throws InterruptedException {
        long deadline = System.nanoTime() + config.sendTimeout().toNanos() + ACK_GRACE.toNanos();
        List<Row> delivered = new ArrayList<>(acks.size());
        List<Refusal> refused = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                delivered.add(rows.get(i));
            } catch (ExecutionException e) {
                Log.debugf("job %s: outbox record not acknowledged: %s", rows.get(i).key(), e.getCause().getMessage());
                if (refusedForGood(e.getCause())) {
                    refused.add(new Refusal(rows.get(i), e.getCause().toString()));
                }
            } catch (TimeoutException e) {
                // Once the deadline has passed every later record times out too: the batch's failure, logged once
                // by the caller's streak, says how many.
                Log.debugf("job %s: no answer from Kafka within %s; the record will be sent again",
                        rows.get(i).key(), config.sendTimeout().plus(ACK_GRACE));
            }
        }
        return new Answers(delivered, refused);
    }

    /** Kafka's answers to one round's sends: the rows it acknowledged and those it refused for good. */
    private record Answers(List<Row> delivered, List<Refusal> refused) {
    }

    private record Refusal(Row row, String reason) {
    }

    /**
     * After a partly acknowledged batch was rolled back: deletes the rows that were delivered or refused for good,
     * in a transaction of their own (another relay may have taken some of them meanwhile and send them again: at
     * least once).
     */
    private void deleteSettled(Connection connection, List<Row> settled) throws SQLException {
        if (settled.isEmpty()) {
            return;
        }
        Long[] ids = settled.stream().map(Row::id).toArray(Long[]::new);
        Array array = connection.createArrayOf("bigint", ids);
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM job_outbox WHERE id = ANY (?)")) {
            delete.setArray(1, array);
            delete.executeUpdate();
            connection.commit();
        } finally {
            array.free();
        }
        vacuum.deleted(settled.size());
    }

    /**
     * Fires the refusal of {@code row}'s record, and answers whether its observers settled it (its job failed), so
     * that the row may be deleted. An observer that fails (the database away) leaves the row for the next round,
     * logged; the rest of the round is settled as usual.
     */
    private boolean settleRefused(Row row, String reason) {
        try {
            refusals.fire(new OutboxRecordRefused(row.jobId(), row.topic(), reason));
            return true;
        } catch (RuntimeException e) {
            Log.warnf(e, "job %s: Kafka refused its %s record for good, but the job could not be failed yet; "
                    + "the record stays for the next round", row.jobId(), row.topic());
            return false;
        }
    }

    /**
     * Whether Kafka refused a record for what it is, so that sending it again cannot succeed. (A
     * SerializationException would be thrown by send itself, not reported through its future; this relay's String
     * and byte[] serializers cannot fail.)
     */
    private static boolean refusedForGood(Throwable cause) {
        return cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                || cause instanceof InvalidRecordException;
    }

    private static boolean brokerUnreachable(Future<?> ack) {
        try {
            ack.get();
            return false;
        } catch (ExecutionException e) {
            return e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Deletes the oldest rows that no other relay holds ({@code SKIP LOCKED}) and returns them in outbox order, in
     * one round trip; the deletion stays uncommitted, and the rows invisible to other relays, until the batch is
     * acknowledged. Its commit need not wait for the WAL flush ({@code synchronous_commit} off for this
     * transaction only): a deletion lost in a database crash only sends its records once more, which consumers
     * absorb, and the writers' commits stay durable.
     */
    private List<Row> take(Connection connection) throws SQLException {
        try (PreparedStatement take = connection.prepareStatement("""
                SET LOCAL synchronous_commit TO OFF;
                WITH batch AS MATERIALIZED (SELECT id FROM job_outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                DELETE FROM job_outbox o USING batch WHERE o.id = batch.id
                RETURNING o.id, o.topic, o.record_key, o.payload, o.headers::text, o.created_at, o.job_id""")) {
            take.setInt(1, config.batchSize());
            // Two results: the SET's (no rows), then the DELETE's.
            for (boolean rowsNext = take.execute(); !rowsNext; rowsNext = take.getMoreResults()) {
                if (take.getUpdateCount() == -1) {
                    throw new SQLException("the outbox DELETE answered no rows");
                }
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = take.getResultSet()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                            headers(rs.getString(5)), rs.getTimestamp(6), rs.getObject(7, UUID.class)));
                }
            }
            rows.sort(Comparator.comparingLong(Row::id));
            return rows;
        }
    }

    private static Map<String, String> headers(String json) {
        try {
            return JsonCodec.mapper().readValue(json, new TypeReference<Map<String, String>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("outbox headers are not a JSON object of strings", e);
        }
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Row(long id, String topic, String key, byte[] payload, Map<String, String> headers,
                       Timestamp createdAt, UUID jobId) {
    }
}
