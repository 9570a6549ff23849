package dev.easel.worker.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobRequested;
import dev.easel.common.job.CacheMode;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.worker.job.JobRunner;
import dev.easel.worker.job.RunOutcome;
import dev.easel.worker.queue.FakeShareConsumer.Ack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One slot's loop against a stand-in for its share consumer: what it runs, how it settles each record, that it
 * renews a long job's record without fetching, and how it stops and recovers.
 */
class JobSlotTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOPIC = "jobs";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SlotStats stats = new SlotStats(registry);
    private final List<FakeShareConsumer> consumers = new CopyOnWriteArrayList<>();
    private final List<JobRunner.Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final CountDownLatch finish = new CountDownLatch(1);
    private JobSlot slot;

    @AfterEach
    void stop() throws InterruptedException {
        finish.countDown();
        if (slot != null) {
            slot.stopAcquiring();
            slot.stopNow();
            slot.abort(); // a free slot would otherwise wait out its poll
            slot.join(WAIT);
        }
    }

    @Test
    void aJobRunsWithItsDeliveryAndItsRecordIsAcknowledgedWithTheOutcome() {
        start((job, delivery) -> RunOutcome.ACCEPT);
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
        headers.add("x-empty", null);
        consumer().offer(record(job("job-1"), 3, headers));

        await().atMost(WAIT).until(() -> !consumer().acksOf("job-1").isEmpty());
        assertThat(consumer().acksOf("job-1")).containsExactly(new Ack("job-1", AcknowledgeType.ACCEPT));
        JobRunner.Delivery delivery = deliveries.getFirst();
        assertThat(delivery.workerId()).isEqualTo("worker-1");
        assertThat(delivery.deliveryCount()).isEqualTo(3);
        assertThat(delivery.headers()).containsOnlyKeys("traceparent");
        assertThat(delivery.stopRequested().getAsBoolean()).isFalse();
    }

    @Test
    void onlyAFirstDeliveryCountsTheTimeItWaitedForAFreeSlot() {
        start((job, delivery) -> RunOutcome.ACCEPT);
        consumer().offer(record(job("again"), 2, new RecordHeaders()));
        consumer().offer(record(job("first"), 1, new RecordHeaders()));

        await().atMost(WAIT).until(() -> consumer().acks().size() == 2);
        assertThat(registry.timer("easel_worker_idle_slot_wait_seconds").count()).isEqualTo(1);
    }

    @Test
    void aRecordThatHoldsNoJobIsRejectedWithoutRunning() {
        start((job, delivery) -> RunOutcome.ACCEPT);
        consumer().offer(record("tombstone", null, 1));
        consumer().offer(record("json-null", "null".getBytes(StandardCharsets.UTF_8), 1));
        consumer().offer(record("no-spec", "{\"job_id\": \"no-spec\"}".getBytes(StandardCharsets.UTF_8), 1));
        consumer().offer(record("not-json", "{".getBytes(StandardCharsets.UTF_8), 1));
        consumer().offer(record(job("job-1"), 1, new RecordHeaders()));

        await().atMost(WAIT).until(() -> consumer().acks().size() == 5);
        assertThat(consumer().acks()).containsExactly(new Ack("tombstone", AcknowledgeType.REJECT),
                new Ack("json-null", AcknowledgeType.REJECT), new Ack("no-spec", AcknowledgeType.REJECT),
                new Ack("not-json", AcknowledgeType.REJECT), new Ack("job-1", AcknowledgeType.ACCEPT));
        assertThat(deliveries).hasSize(1);
    }

    @Test
    void aLongJobKeepsItsRecordByRenewingAndTheSlotFetchesNothingMeanwhile() {
        start((job, delivery) -> {
            if (job.jobId().equals("long")) {
                awaitFinish();
            }
            return RunOutcome.ACCEPT;
        });
        consumer().offer(record(job("long"), 1, new RecordHeaders()));
        await().atMost(WAIT).until(() -> consumer().acksOf("long").size() >= 3);
        consumer().offer(record(job("queued"), 1, new RecordHeaders()));
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> consumer().acksOf("queued").isEmpty());
        finish.countDown();

        await().atMost(WAIT).until(() -> consumer().acksOf("queued").contains(new Ack("queued", AcknowledgeType.ACCEPT)));
        assertThat(consumer().acksOf("long")).last().isEqualTo(new Ack("long", AcknowledgeType.ACCEPT));
        assertThat(consumer().acksOf("long")).filteredOn(a -> a.type() != AcknowledgeType.ACCEPT)
                .extracting(Ack::type).containsOnly(AcknowledgeType.RENEW);
        assertThat(consumer().acksOf("queued")).as("taken once the slot was free, never released").hasSize(1);
        assertThat(consumer().pollsWhileHolding()).as("no fetch while a job runs").isEmpty();
    }

    @Test
    void aRunnerThatFailsReleasesItsRecord() {
        start((job, delivery) -> {
            throw new IllegalStateException("a bug in the runner");
        });
        consumer().offer(record(job("job-1"), 1, new RecordHeaders()));

        await().atMost(WAIT).until(() -> !consumer().acksOf("job-1").isEmpty());
        assertThat(consumer().acksOf("job-1")).containsExactly(new Ack("job-1", AcknowledgeType.RELEASE));
        await().atMost(WAIT).until(() -> stats.busy() == 0);
    }

    @Test
    void aSlotThatStopsAcquiringFinishesItsJobThenEnds() throws InterruptedException {
        start((job, delivery) -> {
            awaitFinish();
            return RunOutcome.ACCEPT;
        });
        consumer().offer(record(job("job-1"), 1, new RecordHeaders()));
        await().atMost(WAIT).until(() -> stats.busy() == 1);

        slot.stopAcquiring();
        assertThat(slot.join(Duration.ofMillis(300))).as("still running its job").isFalse();
        finish.countDown();

        assertThat(slot.join(WAIT)).isTrue();
        assertThat(consumer().acksOf("job-1")).last().isEqualTo(new Ack("job-1", AcknowledgeType.ACCEPT));
        assertThat(consumer().closed()).isTrue();
        assertThat(stats.slots()).isZero();
    }

    @Test
    void stopNowAsksTheRunningJobToStop() throws InterruptedException {
        start((job, delivery) -> {
            await().atMost(WAIT).until(() -> delivery.stopRequested().getAsBoolean());
            return RunOutcome.RELEASE;
        });
        consumer().offer(record(job("job-1"), 1, new RecordHeaders()));
        await().atMost(WAIT).until(() -> stats.busy() == 1);

        slot.stopAcquiring();
        slot.stopNow();

        assertThat(slot.join(WAIT)).isTrue();
        assertThat(consumer().acksOf("job-1")).last().isEqualTo(new Ack("job-1", AcknowledgeType.RELEASE));
    }

    @Test
    void aFailedConsumerIsReplacedAndTheJobOfItsRecordStops() {
        AtomicInteger stopped = new AtomicInteger();
        start((job, delivery) -> {
            if (job.jobId().equals("job-1")) {
                await().atMost(WAIT).until(() -> delivery.stopRequested().getAsBoolean());
                stopped.incrementAndGet();
                return RunOutcome.RELEASE;
            }
            return RunOutcome.ACCEPT;
        });
        FakeShareConsumer first = consumer();
        first.offer(record(job("job-1"), 1, new RecordHeaders()));
        await().atMost(WAIT).until(() -> stats.busy() == 1);

        first.failNextPoll(new KafkaException("the consumer broke"));

        await().atMost(WAIT).until(() -> consumers.size() == 2);
        assertThat(first.closed()).as("closed, which releases its record").isTrue();
        await().atMost(WAIT).until(() -> stopped.get() == 1);
        consumer().offer(record(job("job-2"), 1, new RecordHeaders()));
        await().atMost(WAIT).until(() -> consumer().acksOf("job-2").contains(new Ack("job-2", AcknowledgeType.ACCEPT)));
    }

    @Test
    void abortWakesAConsumerWaitingForRecords() throws InterruptedException {
        start((job, delivery) -> RunOutcome.ACCEPT);
        await().atMost(WAIT).until(() -> stats.slots() == 1);

        slot.abort();

        assertThat(slot.join(WAIT)).isTrue();
        assertThat(consumer().closed()).isTrue();
    }

    private void start(JobSlot.Runner runner) {
        stats.slotStarted();
        slot = new JobSlot(0, "worker-1", TOPIC, this::newConsumer, Duration.ofMillis(50), (job, delivery) -> {
            deliveries.add(delivery);
            return runner.run(job, delivery);
        }, stats);
        slot.start();
    }

    private ShareConsumer<String, byte[]> newConsumer() {
        FakeShareConsumer consumer = new FakeShareConsumer();
        consumers.add(consumer);
        return consumer;
    }

    /** The slot's current consumer. */
    private FakeShareConsumer consumer() {
        return consumers.getLast();
    }

    private void awaitFinish() {
        try {
            finish.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JobRequested job(String id) {
        return new JobRequested(id, "acme", 1, new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a red circle", "", 64, 64, 12,
                5.0, Scheduler.EULER, 7, 1, null, null, null, null, null, null, null, null, CacheMode.USE, null),
                Instant.now(), null);
    }

    private static final AtomicInteger OFFSETS = new AtomicInteger();

    private static ConsumerRecord<String, byte[]> record(JobRequested job, int deliveryCount, RecordHeaders headers) {
        return new ConsumerRecord<>(TOPIC, 0, OFFSETS.incrementAndGet(), System.currentTimeMillis(), TimestampType.CREATE_TIME,
                0, 0, job.jobId(), JsonCodec.encode(job), headers, Optional.empty(), Optional.of((short) deliveryCount));
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value, int deliveryCount) {
        return new ConsumerRecord<>(TOPIC, 0, OFFSETS.incrementAndGet(), System.currentTimeMillis(), TimestampType.CREATE_TIME,
                0, 0, key, value, new RecordHeaders(), Optional.empty(), Optional.of((short) deliveryCount));
    }
}
