package dev.easel.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaticModelCatalogTest {

    static ModelLimits model(String id) {
        return new ModelLimits(id, "1", 64, 64, 256, 128, 8, 20, 5.0, Scheduler.EULER,
                Set.of(Scheduler.EULER), Set.of(JobKind.TEXT_TO_IMAGE));
    }

    @Test
    void findsModelsByIdAndDefaultsToTheFirst() {
        var catalog = StaticModelCatalog.of(model("a"), model("b"));

        assertThat(catalog.defaultModel()).isEqualTo("a");
        assertThat(catalog.find("b")).contains(model("b"));
        assertThat(catalog.find("c")).isEmpty();
        assertThat(model("a").maxPixels()).isEqualTo(256L * 128);
    }

    @Test
    void refusesDuplicatesAndAMissingDefault() {
        assertThatThrownBy(() -> new StaticModelCatalog(List.of(model("a"), model("a")), "a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StaticModelCatalog(List.of(model("a")), "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesLimitsThatContradictThemselves() {
        assertThatThrownBy(() -> new ModelLimits("m", "1", 60, 64, 256, 256, 8, 20, 5.0, Scheduler.EULER,
                Set.of(Scheduler.EULER), Set.of(JobKind.TEXT_TO_IMAGE))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelLimits("m", "1", 64, 64, 256, 256, 8, 20, 5.0, Scheduler.LCM,
                Set.of(Scheduler.EULER), Set.of(JobKind.TEXT_TO_IMAGE))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelLimits("m", "1", 512, 64, 256, 256, 8, 20, 5.0, Scheduler.EULER,
                Set.of(Scheduler.EULER), Set.of(JobKind.TEXT_TO_IMAGE))).isInstanceOf(IllegalArgumentException.class);
    }
}
