package dev.easel.common.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.json.JsonCodec;
import dev.easel.common.json.JsonCodecException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WireEnumsTest {

    @Test
    void jobKindsUseTheirHyphenatedWireNames() {
        assertThat(Arrays.stream(JobKind.values()).map(JobKind::wireName))
                .containsExactly("text-to-image", "image-to-image", "inpaint", "outpaint");
        assertRoundTrips(JobKind.values(), JobKind::wireName, JobKind::fromWire, JobKind.class);
    }

    @Test
    void statusesStagesAndOptionsUseLowerCase() {
        assertThat(Arrays.stream(JobStatus.values()).map(JobStatus::wireName))
                .containsExactly("queued", "running", "succeeded", "failed", "canceled", "expired");
        assertThat(Arrays.stream(JobStage.values()).map(JobStage::wireName))
                .containsExactly("encoding", "denoising", "decoding", "uploading");
        assertThat(Arrays.stream(InpaintArea.values()).map(InpaintArea::wireName)).containsExactly("full", "masked");
        assertThat(Arrays.stream(CacheMode.values()).map(CacheMode::wireName)).containsExactly("use", "bypass", "similar");
        assertRoundTrips(JobStatus.values(), JobStatus::wireName, JobStatus::fromWire, JobStatus.class);
        assertRoundTrips(JobStage.values(), JobStage::wireName, JobStage::fromWire, JobStage.class);
        assertRoundTrips(InpaintArea.values(), InpaintArea::wireName, InpaintArea::fromWire, InpaintArea.class);
        assertRoundTrips(CacheMode.values(), CacheMode::wireName, CacheMode::fromWire, CacheMode.class);
    }

    @Test
    void schedulersUseTheApiNames() {
        assertThat(Arrays.stream(Scheduler.values()).map(Scheduler::wireName)).containsExactly(
                "euler", "euler_ancestral", "ddim", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "flow_euler");
        assertRoundTrips(Scheduler.values(), Scheduler::wireName, Scheduler::fromWire, Scheduler.class);
    }

    @Test
    void onlyTerminalStatusesAreTerminal() {
        assertThat(Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal))
                .containsExactly(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.EXPIRED);
    }

    @Test
    void unknownWireNamesAreEmptyOrADecodeError() {
        assertThat(JobKind.fromWire("TEXT_TO_IMAGE")).isEmpty();
        assertThat(Scheduler.fromWire(null)).isEmpty();
        assertThatThrownBy(() -> JsonCodec.decode("\"video\"".getBytes(StandardCharsets.UTF_8), JobKind.class))
                .isInstanceOf(JsonCodecException.class);
    }

    private static <E extends Enum<E>> void assertRoundTrips(E[] values, Function<E, String> wireName,
                                                             Function<String, Optional<E>> fromWire, Class<E> type) {
        for (E value : List.of(values)) {
            assertThat(fromWire.apply(wireName.apply(value))).contains(value);
            byte[] json = JsonCodec.encode(value);
            assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("\"" + wireName.apply(value) + "\"");
            assertThat(JsonCodec.decode(json, type)).isEqualTo(value);
        }
    }
}
