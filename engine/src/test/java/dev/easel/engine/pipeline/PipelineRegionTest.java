package dev.easel.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.job.Scheduler;
import java.awt.Rectangle;
import org.junit.jupiter.api.Test;

class PipelineRegionTest {

    @Test
    void maskedRegionIsTheBoundingBoxPlusPaddingSnappedOutwardsToTheStride() {
        Rectangle region = Pipeline.region(new Rectangle(50, 61, 20, 10), 5, 8, 256, 256);
        assertThat(region).isEqualTo(new Rectangle(40, 56, 40, 24));
        assertThat(region.x % 8).isZero();
        assertThat(region.width % 8).isZero();
    }

    @Test
    void maskedRegionIsClampedToTheCanvas() {
        assertThat(Pipeline.region(new Rectangle(2, 250, 4, 6), 16, 8, 256, 256)).isEqualTo(new Rectangle(0, 232, 24, 24));
    }

    @Test
    void strengthPicksTheFirstStepLikeDiffusers() {
        assertThat(Pipeline.startStep(request(20, 0.75))).isEqualTo(5);
        assertThat(Pipeline.startStep(request(20, 1.0))).isZero();
        assertThat(Pipeline.startStep(request(10, 0.33))).isEqualTo(7);
        assertThat(Pipeline.startStep(request(10, 0.0))).isEqualTo(10);
    }

    private static GenerationRequest request(int steps, double strength) {
        GenerationRequest t2i = GenerationRequest.textToImage("p", "", 64, 64, steps, 5, Scheduler.EULER, 1, 1);
        return new GenerationRequest(dev.easel.common.job.JobKind.IMAGE_TO_IMAGE, "p", "", 64, 64, steps, 5, Scheduler.EULER,
                1, 1, null, null, strength, t2i.inpaintArea(), 32, 4, null);
    }
}
