package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.event.JobEvent;
import dev.easel.common.job.JobStage;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which of the engine's progress calls become events, and which of those carry a preview. */
class ProgressThrottleTest {

    private static final Duration NEVER = Duration.ofHours(1);

    private final RecordingBroker broker = new RecordingBroker();
    private final List<Supplier<BufferedImage>> previewsStored = new CopyOnWriteArrayList<>();
    private final ProgressLane lane = new ProgressLane(broker.publisher(), "job-1", 1, "worker-1", preview -> {
        previewsStored.add(preview);
        return "outputs/job-1/preview.jpg";
    });
    private final Timer stepTime = new SimpleMeterRegistry().timer("easel_worker_step_seconds");

    @Test
    void stageChangesGoOutAtOnce() {
        ProgressThrottle throttle = new ProgressThrottle(lane, NEVER, NEVER, stepTime);
        throttle.stage(JobStage.ENCODING);
        throttle.stage(JobStage.DENOISING);
        throttle.stage(JobStage.DECODING);

        assertThat(sent()).extracting(JobEvent.Progress::stage)
                .containsExactly(JobStage.ENCODING, JobStage.DENOISING, JobStage.DECODING);
    }

    @Test
    void withinTheProgressIntervalStepsStayBackButTheLastAlwaysGoesOut() {
        ProgressThrottle throttle = new ProgressThrottle(lane, NEVER, NEVER, stepTime);
        throttle.step(1, 10, null); // the first step's event opens the interval
        for (int step = 2; step <= 10; step++) {
            throttle.step(step, 10, null);
        }

        assertThat(sent()).extracting(JobEvent.Progress::step).filteredOn(step -> step > 1).containsExactly(10);
        assertThat(stepTime.count()).as("every step is timed").isEqualTo(10);
    }

    @Test
    void withoutAnIntervalEveryStepGoesOut() {
        ProgressThrottle throttle = new ProgressThrottle(lane, Duration.ZERO, NEVER, stepTime);
        for (int step = 1; step <= 5; step++) {
            throttle.step(step, 5, null);
        }

        assertThat(sent()).extracting(JobEvent.Progress::step).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aPreviewGoesAtMostOncePerPreviewIntervalOfDenoising() {
        ProgressThrottle throttle = new ProgressThrottle(lane, Duration.ZERO, NEVER, stepTime);
        throttle.stage(JobStage.DENOISING);
        for (int step = 1; step <= 4; step++) {
            throttle.step(step, 5, preview());
        }

        assertThat(previewsStored).isEmpty();
        assertThat(sent()).extracting(JobEvent.Progress::previewKey).containsOnlyNulls();
    }

    @Test
    void theLastStepNeverCarriesAPreview() {
        ProgressThrottle throttle = new ProgressThrottle(lane, Duration.ZERO, Duration.ZERO, stepTime);
        throttle.stage(JobStage.DENOISING);
        Supplier<BufferedImage> first = preview();
        Supplier<BufferedImage> last = preview();
        throttle.step(1, 2, first);
        throttle.step(2, 2, last);

        List<JobEvent.Progress> sent = sent();
        assertThat(sent.get(1).previewKey()).isEqualTo("outputs/job-1/preview.jpg");
        assertThat(sent.getLast().previewKey()).isNull();
        assertThat(previewsStored).containsExactly(first);
    }

    /** The progress events sent, once the lane has drained (a status event waits for that). */
    private List<JobEvent.Progress> sent() {
        lane.publish(new JobEvent.Canceled("job-1", 1, lane.nextSeq(), "worker-1", Instant.now()));
        lane.close();
        return broker.events().stream().filter(e -> e instanceof JobEvent.Progress).map(e -> (JobEvent.Progress) e).toList();
    }

    private static Supplier<BufferedImage> preview() {
        return () -> new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    }
}
