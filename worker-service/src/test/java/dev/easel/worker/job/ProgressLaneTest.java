package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.event.JobEvent;
import dev.easel.common.job.JobStage;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** One run's events leave in seq order, previews are stored off the caller's thread, status events wait. */
class ProgressLaneTest {

    private static final Supplier<BufferedImage> PREVIEW = () -> new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);

    private final RecordingBroker broker = new RecordingBroker();
    private final List<Thread> storedOn = new CopyOnWriteArrayList<>();
    private final CountDownLatch previewStored = new CountDownLatch(1);
    // Each preview takes until the test lets it finish: a slow S3 PUT.
    private final ProgressLane lane = new ProgressLane(broker.publisher(), "job-1", 1, "worker-1", preview -> {
        storedOn.add(Thread.currentThread());
        await(previewStored);
        return "outputs/job-1/preview.jpg";
    });

    @Test
    void progressLeavesInSeqOrderAndAStatusEventOnlyAfterIt() {
        lane.start(Instant.now());
        lane.progress(JobStage.ENCODING, 0, 0, null);
        assertThat(lane.progress(JobStage.DENOISING, 1, 3, PREVIEW)).isTrue();
        lane.progress(JobStage.DENOISING, 2, 3, null);
        previewStored.countDown();
        lane.publish(new JobEvent.Canceled("job-1", 1, lane.nextSeq(), "worker-1", Instant.now()));
        lane.close();

        List<JobEvent> events = broker.events();
        assertThat(events).extracting(JobEvent::seq).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(events.getFirst()).isInstanceOf(JobEvent.Started.class);
        assertThat(events.getLast()).isInstanceOf(JobEvent.Canceled.class);
        assertThat(((JobEvent.Progress) events.get(2)).previewKey()).isEqualTo("outputs/job-1/preview.jpg");
        assertThat(storedOn).singleElement().isNotSameAs(Thread.currentThread());
    }

    @Test
    void whileAPreviewIsOnItsWayTheNextEventGoesWithoutOne() {
        assertThat(lane.progress(JobStage.DENOISING, 1, 4, PREVIEW)).isTrue();
        assertThat(lane.progress(JobStage.DENOISING, 2, 4, PREVIEW)).isFalse();
        previewStored.countDown();
        lane.publish(new JobEvent.Canceled("job-1", 1, lane.nextSeq(), "worker-1", Instant.now()));
        // Once it is stored, the next one may go again.
        assertThat(lane.progress(JobStage.DENOISING, 3, 4, PREVIEW)).isTrue();
        lane.publish(new JobEvent.Canceled("job-1", 1, lane.nextSeq(), "worker-1", Instant.now()));
        lane.close();

        assertThat(storedOn).hasSize(2);
        List<JobEvent> events = broker.events();
        assertThat(((JobEvent.Progress) events.get(0)).previewKey()).isNotNull();
        assertThat(((JobEvent.Progress) events.get(1)).previewKey()).isNull();
    }

    @Test
    void noStatusEventLeavesBeforeTheBrokerAcknowledgedStarted() {
        broker.refuse(RecordingBroker.event(JobEvent.Started.class));
        lane.start(Instant.now());

        JobEvent.Canceled canceled = new JobEvent.Canceled("job-1", 1, lane.nextSeq(), "worker-1", Instant.now());
        assertThatThrownBy(() -> lane.publish(canceled)).isInstanceOf(TransientJobException.class)
                .extracting(e -> ((TransientJobException) e).code()).isEqualTo("queue_unavailable");
        // Still unacknowledged: a later status event (the job's failure) is held back just the same.
        assertThatThrownBy(() -> lane.publish(canceled)).isInstanceOf(TransientJobException.class);
        lane.close();

        assertThat(broker.acknowledged()).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
