package dev.easel.common.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JobSpecTest {

    static JobSpec textToImage(ObjectNode metadata) {
        return new JobSpec(JobKind.TEXT_TO_IMAGE, "m", "p", "", 64, 64, 20, 5, Scheduler.EULER, 1, 1, null, null,
                null, null, null, null, null, null, CacheMode.USE, metadata);
    }

    @Test
    void keepsItsMetadataToItself() {
        var metadata = JsonNodeFactory.instance.objectNode().put("a", 1);
        JobSpec spec = textToImage(metadata);

        metadata.put("a", 2);
        spec.metadata().put("b", 3);

        assertThat(spec.metadata().toString()).isEqualTo("{\"a\":1}");
    }

    @Test
    void refusesFieldsThatDoNotBelongToItsKind() {
        var image = new ImageRef.Upload("u");
        assertThatThrownBy(() -> new JobSpec(JobKind.TEXT_TO_IMAGE, "m", "p", "", 64, 64, 20, 5, Scheduler.EULER, 1, 1,
                image, null, null, null, null, null, null, null, CacheMode.USE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JobSpec(JobKind.IMAGE_TO_IMAGE, "m", "p", "", 64, 64, 20, 5, Scheduler.EULER, 1, 1,
                image, image, 0.5, null, null, null, null, null, CacheMode.USE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JobSpec(JobKind.OUTPAINT, "m", "p", "", 64, 64, 20, 5, Scheduler.EULER, 1, 1,
                image, null, null, null, null, null, null, null, CacheMode.USE, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void swapsImageReferences() {
        var spec = new JobSpec(JobKind.INPAINT, "m", "p", "", 64, 64, 20, 5, Scheduler.EULER, 1, 1,
                new ImageRef.DataUrl("image/png", new byte[] {1}), new ImageRef.DataUrl("image/png", new byte[] {2}),
                0.75, InpaintArea.FULL, 32, 4, null, null, CacheMode.USE, null);

        JobSpec moved = spec.withImages(new ImageRef.Upload("img"), new ImageRef.Upload("mask"));

        assertThat(moved.image()).isEqualTo(new ImageRef.Upload("img"));
        assertThat(moved.mask()).isEqualTo(new ImageRef.Upload("mask"));
        assertThat(moved.withImages(spec.image(), spec.mask())).isEqualTo(spec);
    }
}
