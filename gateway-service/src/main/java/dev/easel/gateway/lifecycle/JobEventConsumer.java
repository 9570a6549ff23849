package dev.easel.gateway.lifecycle;

import dev.easel.common.event.JobEvent;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.json.JsonCodecException;
import dev.easel.platform.health.FailureStreak;
import dev.easel.platform.kafka.TopicsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumes {@code easel.job-events} in the {@code easel-gateway} group and applies each event, committing
 * offsets only after the events before them were applied (at least once; the applier is idempotent). When
 * applying fails the partition is rewound to the failed event and retried with backoff: for as long as the
 * database is away, and {@code easel.events.max-attempts} times for any other failure, after which the event is
 * set aside ({@link FailingEvents}).
 */
@ApplicationScoped
public class JobEventConsumer {

    /** The job-event consumer. */
    @ConfigMapping(prefix = "easel.events")
    public interface EventsConfig {

        /** Whether this replica consumes job events. */
        @WithDefault("true")
        boolean enabled();

        /** Longest wait before retrying an event whose application failed. */
        @WithDefault("5s")
        Duration maxBackoff();

        /**
         * Attempts at an event that fails for its content or a bug (not a database outage, which is retried for
         * as long as it lasts) before it is set aside: logged, counted and skipped, so that it does not hold up
         * its partition's later events.
         */
        @WithDefault("5")
        int maxAttempts();

        /**
         * How often every open SSE stream is compared with its job's row, so that a stream whose update was lost
         * before it was fanned out (a gateway killed right after applying the event) still gets it.
         */
        @WithDefault("30s")
        Duration streamCheckInterval();

        /** Most event streams one gateway holds open; beyond, a new stream is refused with 503. */
        @WithDefault("10000")
        int maxStreams();

        /** Most event streams one tenant holds open on one gateway; beyond, a new stream is refused with 429. */
        @WithDefault("1000")
        int maxStreamsPerTenant();
    }

    private final JobEventApplier applier;
    private final EventsConfig config;
    private final TopicsConfig topics;
    private final Map<String, Object> kafka;
    private final Counter undecodable;
    private final Counter rejected;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private final FailureStreak applyFailures;
    private final FailureStreak commitFailures;
    private volatile boolean running;
    private static final long RESTART_DELAY_MS = 1000;

    JobEventConsumer(JobEventApplier applier, EventsConfig config, TopicsConfig topics,
                     @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry registry) {
        this.applyFailures = new FailureStreak("job events", registry);
        this.commitFailures = new FailureStreak("job events: offset commit", registry);
        this.applier = applier;
        this.config = config;
        this.topics = topics;
        this.kafka = kafka;
        this.undecodable = Counter.builder("easel_job_events_undecodable")
                .description("Records on easel.job-events that are not a job event this version knows").register(registry);
        this.rejected = Counter.builder("easel_job_events_rejected")
                .description("Job events set aside after easel.events.max-attempts failed attempts at applying them")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        consumer = newConsumer();
        running = true;
        thread = Thread.ofPlatform().name("job-event-consumer").daemon().start(this::run);
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.getOrDefault("client.id", "easel-gateway") + "-events");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topics.gatewayGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Consumes until the gateway stops. A consumer that fails unexpectedly is closed and replaced after
     * {@value #RESTART_DELAY_MS} ms; events it applied but did not commit are read again and ignored as stale.
     */
    private void run() {
        while (running) {
            try {
                // A replacement is created here, inside the try: the constructor fails too when the brokers' names
                // do not resolve for a while, and that must not end the thread.
                KafkaConsumer<String, byte[]> c = consumer;
                if (c == null) {
                    c = newConsumer();
                    consumer = c;
                }
                consume(c);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return; // stop() woke the consumer up
                }
                Log.errorf(e, "job event consumer failed; a new one starts in %d ms", RESTART_DELAY_MS);
            }
            consumer = null;
            try {
                Thread.sleep(RESTART_DELAY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void consume(KafkaConsumer<String, byte[]> client) throws InterruptedException {
        Duration backoff = Duration.ofMillis(100);
        FailingEvents failing = new FailingEvents(config.maxAttempts());
        try (KafkaConsumer<String, byte[]> c = client) {
            c.subscribe(List.of(topics.jobEvents()));
            while (running) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                // The backoff and the failure streak end only with a poll in which nothing failed: one partition's
                // failing event must not be forgiven by the others' successes.
                boolean failed = false;
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                        try {
                            applyRecord(record);
                            failing.applied(partition, record.offset());
                            done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                        } catch (RuntimeException e) {
                            if (failing.giveUp(partition, record.offset(), e)) {
                                setAside(record, e);
                                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                                continue;
                            }
                            failed = true;
                            applyFailures.failed("job %s: event at %s@%d not applied (%s); retrying with backoff up to %d ms"
                                    .formatted(record.key(), partition, record.offset(), e,
                                            config.maxBackoff().toMillis())).ifPresent(Log::warn);
                            c.seek(partition, record.offset());
                            Thread.sleep(backoff);
                            backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0
                                    ? config.maxBackoff() : backoff.multipliedBy(2);
                            break;
                        }
                    }
                }
                if (!failed && !records.isEmpty()) {
                    backoff = Duration.ofMillis(100);
                    applyFailures.succeeded().ifPresent(Log::info);
                }
                if (!done.isEmpty()) {
                    try {
                        c.commitSync(done);
                        commitFailures.succeeded().ifPresent(Log::info);
                    } catch (org.apache.kafka.common.KafkaException e) {
                        // The events stay applied; after a rebalance or outage they are read again and ignored.
                        commitFailures.failed(e.toString()).ifPresent(Log::warn);
                    }
                }
            }
        }
    }

    private void applyRecord(ConsumerRecord<String, byte[]> record) {
        JobEvent event;
        try {
            event = record.value() == null ? null : JsonCodec.decode(record.value(), JobEvent.class);
        } catch (JsonCodecException e) {
            skipUndecodable(record, e.getMessage());
            return;
        }
        if (event == null) {
            // A tombstone or the JSON null: applying it would fail the same way on every retry.
            skipUndecodable(record, "no event in the record");
            return;
        }
        applier.apply(event);
    }

    /**
     * The event stays in the topic (for its retention) at the logged offset, to be looked at and replayed by hand;
     * its job keeps the status it had.
     */
    private void setAside(ConsumerRecord<String, byte[]> record, RuntimeException failure) {
        rejected.increment();
        Log.errorf(failure, "job %s: event at %s-%d@%d set aside after %d failed attempts; later events go on",
                record.key(), record.topic(), record.partition(), record.offset(), config.maxAttempts());
    }

    private void skipUndecodable(ConsumerRecord<String, byte[]> record, String why) {
        undecodable.increment();
        Log.warnf("job %s: skipped an undecodable record at %s-%d@%d: %s", record.key(), record.topic(),
                record.partition(), record.offset(), why);
    }
}
