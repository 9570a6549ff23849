package dev.easel.common.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.ModelLimits;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerHeartbeatTest {

    @Test
    void aHeartbeatSurvivesTheWireWithItsModelLimits() {
        ModelLimits limits = new ModelLimits("tiny-shapes", "1.0.0", 64, 64, 256, 256, 8, 20, 5.0, Scheduler.EULER,
                Set.of(Scheduler.EULER, Scheduler.DDIM), Set.of(JobKind.TEXT_TO_IMAGE, JobKind.OUTPAINT));
        WorkerHeartbeat beat = new WorkerHeartbeat("w-1", List.of(limits), "cpu", 2, 1, 12.5,
                Instant.parse("2026-11-25T08:00:00Z"));

        String json = new String(JsonCodec.encode(beat));
        WorkerHeartbeat read = JsonCodec.decode(json.getBytes(), WorkerHeartbeat.class);

        assertThat(json).contains("\"worker_id\":\"w-1\"", "\"busy_slots\":1", "\"max_width\":256");
        assertThat(read).isEqualTo(beat);
    }
}
