package dev.easel.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.job.CacheMode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.Scheduler;
import dev.easel.common.model.ModelLimits;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class PngParametersTest {

    private static final ModelLimits MODEL = new ModelLimits("tiny-shapes", "1.2.0", 64, 64, 256, 256, 8, 20, 5.0,
            Scheduler.EULER, EnumSet.of(Scheduler.EULER), EnumSet.allOf(JobKind.class));

    @Test
    void anOutputNamesItsInputsOnlyAsPresent() {
        String upload = "0123456789abcdef0123456789abcdef";
        JobSpec spec = new JobSpec(JobKind.INPAINT, "tiny-shapes", "a red circle", "", 64, 64, 20, 5.0, Scheduler.EULER, 7,
                1, new ImageRef.Upload(upload), new ImageRef.Upload("fedcba9876543210fedcba9876543210"), 0.75,
                InpaintArea.FULL, 32, 4, null, null, CacheMode.USE, null);

        String parameters = PngParameters.of(spec, MODEL, 9).get("parameters");

        assertThat(parameters).contains("\"image\":\"an input image\"").contains("\"mask\":\"an input image\"")
                .contains("\"seed\":9").contains("a red circle")
                .doesNotContain(upload).doesNotContain("upload:").doesNotContain("sha256");
    }
}
