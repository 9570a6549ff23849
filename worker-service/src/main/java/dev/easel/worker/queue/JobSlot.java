package dev.easel.worker.queue;

import dev.easel.common.event.JobRequested;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.json.JsonCodecException;
import dev.easel.worker.job.JobRunner;
import dev.easel.worker.job.RunOutcome;
import io.quarkus.logging.Log;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One job slot: its own share consumer that acquires at most one {@code easel.jobs} record at a time
 * ({@code share.acquire.mode=record_limit}, {@code max.poll.records=1}), and fetches only while it is free, so
 * a worker never holds more records than it has free slots. While a job runs on its own thread, the slot's
 * thread renews the acquisition lock every {@code renew-interval}.
 */
final class JobSlot {

    /** Runs a delivered job to the outcome that settles its record ({@link JobRunner#run}). */
    @FunctionalInterface
    interface Runner {
        RunOutcome run(JobRequested job, JobRunner.Delivery delivery);
    }

    private final int index;
    private final String workerId;
    private final String jobsTopic;
    private final Supplier<ShareConsumer<String, byte[]>> consumers;
    private final Duration renewInterval;
    private final Runner runner;
    private final SlotStats stats;
    private volatile boolean acquiring = true;
    private volatile boolean stopNow;
    private volatile Thread thread;
    // Wall-clock times the slot last became free and a poll last came back empty (only its consumer thread reads
    // and writes them).
    private long freeSinceMillis;
    private long lastEmptyPollMillis;
    private volatile ShareConsumer<String, byte[]> consumer;

    /**
     * @param consumers makes the slot's consumer, and a replacement after one failed: {@link #newConsumer} in the
     *                  worker, a stand-in in tests
     */
    JobSlot(int index, String workerId, String jobsTopic, Supplier<ShareConsumer<String, byte[]>> consumers,
            Duration renewInterval, Runner runner, SlotStats stats) {
        this.index = index;
        this.workerId = workerId;
        this.jobsTopic = jobsTopic;
        this.consumers = consumers;
        this.renewInterval = renewInterval;
        this.runner = runner;
        this.stats = stats;
    }

    /**
     * A slot's share consumer in the group {@code group}: explicit acknowledgements, and at most one record
     * acquired at a time ({@code share.acquire.mode=record_limit}, {@code max.poll.records=1}).
     */
    static ShareConsumer<String, byte[]> newConsumer(Map<String, Object> kafka, String clientId, String group,
                                                     Duration fetchMaxWait) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchMaxWait.toMillis());
        return new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    void start() {
        consumer = consumers.get();
        thread = Thread.ofPlatform().name("job-slot-" + index).start(this::run);
    }

    /** Stops taking new records; the running job may finish. */
    void stopAcquiring() {
        acquiring = false;
    }

    /** The grace period is over: the running job stops at its next step and its record is released. */
    void stopNow() {
        stopNow = true;
    }

    /** Waits for the slot's loop to end; returns whether it did. */
    boolean join(Duration timeout) throws InterruptedException {
        Thread t = thread;
        return t == null || t.join(timeout);
    }

    /** Last resort: interrupts the consumer; closing it releases the record it holds. */
    void abort() {
        ShareConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    // Longer than the 100 ms goal: worth a line in the log to find out why.
    private static final long IDLE_WAIT_WORTH_LOGGING_MS = 100;
    private static final long RESTART_DELAY_MS = 1000;

    /**
     * Consumes until the slot stops taking jobs and has none in hand. A consumer that fails unexpectedly is closed
     * (which releases the record it holds, and the job of that record stops at its next step) and replaced after
     * {@value #RESTART_DELAY_MS} ms, so that no failure leaves a worker that looks ready with a slot that takes
     * nothing.
     */
    private void run() {
        try {
            while (true) {
                // A replacement is created inside the try: its constructor fails too when the brokers' names do
                // not resolve for a while, and that must not end the slot.
                try (ShareConsumer<String, byte[]> c = consumer != null ? consumer : (consumer = consumers.get())) {
                    consume(c);
                    return;
                } catch (WakeupException e) {
                    Log.infof("slot %d: woken up to close", index);
                    return;
                } catch (RuntimeException e) {
                    Log.errorf(e, "slot %d: consumer failed; a new one starts in %d ms", index, RESTART_DELAY_MS);
                }
                consumer = null;
                if (!acquiring || !pause()) {
                    return;
                }
            }
        } finally {
            stats.slotStopped();
        }
    }

    private void consume(ShareConsumer<String, byte[]> c) {
        Running current = null;
        freeSinceMillis = System.currentTimeMillis();
        try {
            c.subscribe(List.of(jobsTopic));
            while (acquiring || current != null) {
                Running before = current;
                current = current == null ? acquire(c) : settleOrRenew(c, current);
                if (before != null && current == null) {
                    freeSinceMillis = System.currentTimeMillis();
                }
            }
        } catch (RuntimeException e) {
            if (current != null) {
                // Its record goes back with the consumer: the job must not run on here while it runs elsewhere.
                current.abandoned = true;
            }
            throw e;
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(RESTART_DELAY_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A free slot fetches: at most one record ({@code record_limit}, {@code max.poll.records=1}). */
    private Running acquire(ShareConsumer<String, byte[]> c) {
        Running started = null;
        ConsumerRecords<String, byte[]> records = c.poll(Duration.ofSeconds(1));
        if (records.isEmpty()) {
            lastEmptyPollMillis = System.currentTimeMillis();
        }
        for (ConsumerRecord<String, byte[]> record : records) {
            if (started == null && acquiring) {
                started = start(record);
            } else {
                Log.infof("job %s: slot %d stopped taking jobs; released", record.key(), index);
                c.acknowledge(record, AcknowledgeType.RELEASE);
            }
        }
        return started;
    }

    /**
     * Queued (record timestamp) and this slot free (since its last job settled) at the same time: wasted time.
     * Only first deliveries count: a redelivered record keeps its first timestamp, and when it became available
     * again (a released record, an expired lock) is not known here.
     */
    private void recordIdleWait(ConsumerRecord<String, byte[]> record) {
        long now = System.currentTimeMillis();
        long idleWait = Math.max(0, now - Math.max(freeSinceMillis, record.timestamp()));
        stats.idleSlotWait(Duration.ofMillis(idleWait));
        if (idleWait > IDLE_WAIT_WORTH_LOGGING_MS) {
            // A poll that came back empty after the job was queued: the broker had nothing to give this slot then
            // (another consumer held the record, or a fetch was not woken by it); none: this consumer itself was
            // slow to ask or to hear.
            long emptyAfterQueued = lastEmptyPollMillis - record.timestamp();
            Log.warnf("job %s: waited %d ms in the queue while slot %d was free (queued %d ms ago, slot free for %d ms; %s)",
                    record.key(), idleWait, index, now - record.timestamp(), now - freeSinceMillis,
                    emptyAfterQueued >= 0 ? "a poll came back empty " + emptyAfterQueued + " ms after it was queued"
                            : "no poll came back empty while it was queued");
        }
    }

    private Running start(ConsumerRecord<String, byte[]> record) {
        int deliveries = record.deliveryCount().map(Short::intValue).orElse(1);
        if (deliveries == 1) {
            recordIdleWait(record);
        }
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            if (h.value() != null) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        Running running = new Running(record);
        Optional<JobRequested> readable = read(record);
        if (readable.isEmpty()) {
            running.result.complete(null);
            running.reject = true;
            return running;
        }
        JobRequested job = readable.get();
        stats.busy(+1);
        running.jobId = job.jobId();
        JobRunner.Delivery delivery = new JobRunner.Delivery(workerId, deliveries, headers,
                () -> stopNow || running.abandoned);
        Thread.ofPlatform().name("job-" + job.jobId()).start(() -> {
            try {
                running.result.complete(runner.run(job, delivery));
            } catch (RuntimeException | Error e) {
                // Whatever escaped the runner's own handling: the record goes back rather than renewed forever.
                Log.errorf(e, "job %s: runner failed", job.jobId());
                running.result.complete(RunOutcome.RELEASE);
            } finally {
                stats.busy(-1);
            }
        });
        return running;
    }

    /** The job in the record, or empty (logged) when it holds nothing this version can run: it is rejected. */
    private static Optional<JobRequested> read(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            Log.errorf("job %s: a record without a value; rejected", record.key());
            return Optional.empty();
        }
        try {
            JobRequested job = JsonCodec.decode(record.value(), JobRequested.class);
            if (job == null || job.jobId() == null || job.spec() == null) {
                Log.errorf("job %s: a record without a job id or spec; rejected", record.key());
                return Optional.empty();
            }
            return Optional.of(job);
        } catch (JsonCodecException e) {
            Log.errorf("job %s: not a job this version can read (%s); rejected", record.key(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Settles the record when its job is done (waiting up to the renew interval for that), else renews its lock.
     * A busy slot never fetches: a fetch would acquire queued jobs it cannot run, and every such acquisition
     * counts as a delivery of a job that never ran. So the renewal goes out alone ({@code commitSync} sends a
     * ShareAcknowledge, which fetches nothing), and the renewed record, which the client hands back to the
     * application, is taken with {@code poll(0)}: answered from that record, not from the broker.
     */
    private Running settleOrRenew(ShareConsumer<String, byte[]> c, Running current) {
        RunOutcome outcome = current.reject ? null : current.await(renewInterval);
        if (current.record == null && !takeBack(c, current, Duration.ofMillis(100))) {
            if (current.lostForTooLong()) {
                Log.warnf("job %s: the renewed record was not handed back; its lock has expired, leaving it to redelivery",
                        current.jobId);
                // Another worker may take it up now: the run here stops at its next step.
                current.abandoned = true;
                return null;
            }
            return current;
        }
        ConsumerRecord<String, byte[]> record = current.record;
        if (current.reject) {
            c.acknowledge(record, AcknowledgeType.REJECT);
            commit(c, current, "REJECT");
            return null;
        }
        if (outcome == null) {
            c.acknowledge(record, AcknowledgeType.RENEW);
            current.record = null;
            commit(c, current, "RENEW");
            current.renewedAt = System.nanoTime();
            takeBack(c, current, Duration.ZERO);
            return current;
        }
        c.acknowledge(record, outcome.acknowledgement());
        commit(c, current, outcome.name());
        return null;
    }

    /** Takes the renewed record back from the consumer; returns whether it is in hand again. */
    private boolean takeBack(ShareConsumer<String, byte[]> c, Running current, Duration timeout) {
        for (ConsumerRecord<String, byte[]> record : c.poll(timeout)) {
            if (current.isFor(record)) {
                current.record = record;
            } else {
                Log.warnf("job %s: slot %d is busy with job %s; released", record.key(), index, current.jobId);
                c.acknowledge(record, AcknowledgeType.RELEASE);
            }
        }
        return current.record != null;
    }

    private void commit(ShareConsumer<String, byte[]> c, Running current, String acknowledgement) {
        c.commitSync(Duration.ofSeconds(10)).forEach((partition, failure) -> failure.ifPresent(e ->
                Log.warnf("job %s: %s of %s not committed: %s", current.jobId, acknowledgement, partition, e.getMessage())));
    }

    /** The record a slot is working on and its run. */
    private final class Running {
        private final String topic;
        private final int partition;
        private final long offset;
        private final CompletableFuture<RunOutcome> result = new CompletableFuture<>();
        private ConsumerRecord<String, byte[]> record;
        private String jobId;
        private boolean reject;
        // Set when the consumer holding the record failed: the job stops at its next step.
        private volatile boolean abandoned;
        private long renewedAt = System.nanoTime();

        Running(ConsumerRecord<String, byte[]> record) {
            this.topic = record.topic();
            this.partition = record.partition();
            this.offset = record.offset();
            this.record = record;
            this.jobId = record.key();
        }

        boolean isFor(ConsumerRecord<String, byte[]> other) {
            return other.topic().equals(topic) && other.partition() == partition && other.offset() == offset;
        }

        RunOutcome await(Duration limit) {
            try {
                return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                return RunOutcome.RELEASE;
            }
        }

        /** Done, renewed but not handed back for longer than a lock can last: the lock is gone. */
        boolean lostForTooLong() {
            return result.isDone() && System.nanoTime() - renewedAt > Duration.ofSeconds(60).toNanos();
        }
    }
}
