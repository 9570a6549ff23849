package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.event.DeadLetter;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobRequested;
import dev.easel.common.job.CacheMode;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.JobStage;
import dev.easel.common.job.Scheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** What a transient failure does to a job at each delivery, against a broker stand-in. */
class DeliveryPolicyTest {

    private static final int MAX_DELIVERIES = 5;
    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final JobRequested JOB = new JobRequested("job-1", "acme", 1, new JobSpec(JobKind.TEXT_TO_IMAGE,
            "tiny-shapes", "a red circle", "", 64, 64, 12, 5.0, Scheduler.EULER, 7, 1, null, null, null, null, null,
            null, null, null, CacheMode.USE, null), Instant.now(), null);

    private final RecordingBroker broker = new RecordingBroker();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeliveryPolicy policy = new DeliveryPolicy(MAX_DELIVERIES, broker.publisher(), new JobOutcomes(registry));

    @Test
    void beforeTheLastDeliveryTheJobIsReleasedAndNothingIsPublished() {
        for (int attempt = 1; attempt < MAX_DELIVERIES; attempt++) {
            assertThat(settle(attempt)).isEqualTo(RunOutcome.RELEASE);
        }
        assertThat(broker.acknowledged()).isEmpty();
        assertThat(broker.refused()).isEmpty();
        assertThat(counted("released")).isEqualTo(MAX_DELIVERIES - 1);
    }

    @Test
    void atTheLastDeliveryTheClientIsToldItFailedThenTheJobIsDeadLettered() {
        assertThat(settle(MAX_DELIVERIES)).isEqualTo(RunOutcome.ACCEPT);

        assertThat(broker.acknowledged()).extracting(ProducerRecord::topic)
                .containsExactly(RecordingBroker.JOB_EVENTS, RecordingBroker.DEAD_LETTERS);
        JobEvent.Failed failed = (JobEvent.Failed) broker.events().getFirst();
        assertThat(failed.attempt()).isEqualTo(MAX_DELIVERIES);
        assertThat(failed.error().code()).isEqualTo("delivery_limit_reached");
        // The storage's own words (a key, a host) are for the log and the dead letter, not the client.
        assertThat(failed.error().message()).isEqualTo("gave up after 5 attempts; the last: the image storage was "
                + "unavailable (storage_unavailable); operators find the details in the worker's log under the job's id");
        assertThat(failed.error().retryable()).isFalse();
        DeadLetter letter = broker.deadLetters().getFirst();
        assertThat(letter.job().jobId()).isEqualTo(JOB.jobId());
        assertThat(letter.deliveries()).isEqualTo(MAX_DELIVERIES);
        assertThat(letter.workerId()).isEqualTo("worker-1");
        assertThat(letter.lastError().code()).isEqualTo("storage_unavailable");
        assertThat(letter.lastError().retryable()).isTrue();
        assertThat(letter.lastError().message()).isEqualTo("cannot write outputs/job-1/0.png");
        // The dead letter keeps the record's headers, the trace among them.
        ProducerRecord<String, byte[]> record = broker.acknowledged().getLast();
        assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8)).isEqualTo(TRACE);
        assertThat(counted("dead_lettered")).isEqualTo(1);
    }

    @Test
    void aRefusedDeadLetterStillAcceptsTheJobWhoseClientWasToldItFailed() {
        broker.refuse(RecordingBroker.on(RecordingBroker.DEAD_LETTERS));

        assertThat(settle(MAX_DELIVERIES)).isEqualTo(RunOutcome.ACCEPT);

        assertThat(broker.events()).singleElement().isInstanceOf(JobEvent.Failed.class);
        assertThat(broker.refused()).singleElement().extracting(ProducerRecord::topic).isEqualTo(RecordingBroker.DEAD_LETTERS);
        assertThat(counted("dead_letter_refused")).isEqualTo(1);
        assertThat(counted("dead_lettered")).isZero();
    }

    @Test
    void aFailureThatCannotBePublishedReleasesTheJobWithoutADeadLetter() {
        broker.refuse(RecordingBroker.on(RecordingBroker.JOB_EVENTS));

        assertThat(settle(MAX_DELIVERIES)).isEqualTo(RunOutcome.RELEASE);

        assertThat(broker.acknowledged()).isEmpty();
        assertThat(broker.refused()).extracting(ProducerRecord::topic).containsExactly(RecordingBroker.JOB_EVENTS);
        assertThat(counted("released")).isEqualTo(1);
    }

    @Test
    void theFailureFollowsTheRunsEarlierEventsInSeqOrder() {
        try (ProgressLane lane = lane(MAX_DELIVERIES)) {
            lane.start(Instant.now());
            lane.progress(JobStage.DENOISING, 3, 12, null);

            assertThat(settle(MAX_DELIVERIES, lane)).isEqualTo(RunOutcome.ACCEPT);
        }

        assertThat(broker.events()).extracting(JobEvent::seq).containsExactly(0L, 1L, 2L);
        assertThat(broker.events()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Started", "Progress", "Failed");
    }

    private RunOutcome settle(int attempt) {
        try (ProgressLane lane = lane(attempt)) {
            return settle(attempt, lane);
        }
    }

    private RunOutcome settle(int attempt, ProgressLane lane) {
        JobRunner.Delivery delivery = new JobRunner.Delivery("worker-1", attempt, Map.of("traceparent", TRACE), () -> false);
        return policy.transientFailure(JOB, delivery, lane, "storage_unavailable", "cannot write outputs/job-1/0.png",
                new IllegalStateException("S3 is away"));
    }

    private ProgressLane lane(int attempt) {
        return new ProgressLane(broker.publisher(), JOB.jobId(), attempt, "worker-1", preview -> null);
    }

    private double counted(String outcome) {
        return registry.counter("easel_worker_jobs", "outcome", outcome).count();
    }
}
