package dev.easel.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.common.job.CacheMode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.InpaintArea;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.JobSpec;
import dev.easel.common.job.JobStage;
import dev.easel.common.job.JobStatus;
import dev.easel.common.job.OutpaintExtents;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.json.JsonCodecException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JobEventJsonTest {

    static final Instant AT = Instant.parse("2025-06-01T12:00:00.123456Z");

    static Stream<JobEvent> events() {
        return Stream.of(
                new JobEvent.Started("job-1", 1, 0, "worker-a", AT),
                new JobEvent.Progress("job-1", 1, 1, "worker-a", AT, JobStage.DENOISING, 12, 20, "outputs/job-1/preview.jpg"),
                new JobEvent.Progress("job-1", 1, 2, "worker-a", AT, JobStage.ENCODING, 0, 20, null),
                new JobEvent.Succeeded("job-1", 2, 9, "worker-b", AT,
                        List.of(new ResultImage(0, "outputs/job-1/0.png", "outputs/job-1/0.thumb.jpg", 64, 64, 42, "image/png")),
                        new JobMetrics(3L, 410L, 380L, 12L)),
                new JobEvent.Succeeded("job-1", 1, 3, "worker-b", AT, List.of(), new JobMetrics(null, 5L, null, null)),
                new JobEvent.Succeeded("job-2", 1, 1, "worker-b", AT,
                        List.of(new ResultImage(0, "outputs/job-1/0.png", "outputs/job-1/0.thumb.jpg", 64, 64, 42, "image/png")),
                        new JobMetrics(3L, 9L, 0L, 0L), new ReusedResult("job-1", 0.9731)),
                new JobEvent.Failed("job-1", 3, 4, "worker-c", AT, new JobError("model_error", "ONNX Runtime failed", true)),
                new JobEvent.Canceled("job-1", 1, 5, "worker-a", AT),
                new JobEvent.Expired("job-1", 1, 0, "worker-a", AT));
    }

    @ParameterizedTest
    @MethodSource("events")
    void roundTripsEveryEventType(JobEvent event) {
        byte[] json = JsonCodec.encode(event);

        assertThat(JsonCodec.decode(json, JobEvent.class)).isEqualTo(event);
        JsonNode tree = tree(json);
        assertThat(tree.get("schema_version").intValue()).isEqualTo(1);
        assertThat(tree.get("type").textValue()).isEqualTo(event.getClass().getSimpleName().toLowerCase());
    }

    @Test
    void writesSnakeCaseFieldsAndIsoInstants() {
        var event = new JobEvent.Progress("job-1", 2, 7, "worker-a", AT, JobStage.DENOISING, 12, 20, "outputs/job-1/preview.jpg");

        JsonNode tree = tree(JsonCodec.encode(event));

        assertThat(tree.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(
                "type", "schema_version", "job_id", "attempt", "seq", "worker_id", "at", "stage", "step", "steps",
                "preview_key");
        assertThat(tree.get("at").textValue()).isEqualTo("2025-06-01T12:00:00.123456Z");
        assertThat(tree.get("stage").textValue()).isEqualTo("denoising");
        assertThat(tree.get("type").textValue()).isEqualTo("progress");
    }

    @Test
    void writesResultImagesAndMetricsInSnakeCaseAndLeavesNullsOut() {
        var event = new JobEvent.Succeeded("job-1", 1, 3, "w", AT,
                List.of(new ResultImage(0, "k", "t", 64, 32, 42, "image/png")), new JobMetrics(3L, null, 380L, null));

        JsonNode tree = tree(JsonCodec.encode(event));

        assertThat(tree.at("/images/0/thumbnail_key").textValue()).isEqualTo("t");
        assertThat(tree.at("/images/0/content_type").textValue()).isEqualTo("image/png");
        assertThat(tree.get("metrics").toString()).isEqualTo("{\"queue_ms\":3,\"inference_ms\":380}");
    }

    @Test
    void readersIgnoreFieldsTheyDoNotKnow() {
        String json = """
                {"type": "canceled", "schema_version": 1, "job_id": "job-1", "attempt": 1, "seq": 5,
                 "worker_id": "worker-a", "at": "2025-06-01T12:00:00Z", "reason": "user", "extra": {"x": 1}}
                """;
        // Even a mapper that fails on unknown properties reads events: the types themselves say so.
        ObjectMapper strict = new ObjectMapper();
        JsonCodec.configure(strict);
        strict.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        JobEvent event = JsonCodec.decode(json.getBytes(StandardCharsets.UTF_8), JobEvent.class);

        assertThat(event).isEqualTo(new JobEvent.Canceled("job-1", 1, 5, "worker-a", Instant.parse("2025-06-01T12:00:00Z")));
        assertThat(readWith(strict, json)).isEqualTo(event);
    }

    private static JobEvent readWith(ObjectMapper mapper, String json) {
        try {
            return mapper.readValue(json, JobEvent.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anEventTypeFromTheFutureIsADecodeError() {
        byte[] json = """
                {"type": "paused", "schema_version": 2, "job_id": "job-1", "attempt": 1, "seq": 5,
                 "worker_id": "w", "at": "2025-06-01T12:00:00Z"}""".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonCodec.decode(json, JobEvent.class)).isInstanceOf(JsonCodecException.class);
    }

    @Test
    void eachEventNamesTheStatusItLeads() {
        assertThat(events().map(JobEvent::status)).containsExactly(JobStatus.RUNNING, JobStatus.RUNNING,
                JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.SUCCEEDED, JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED,
                JobStatus.EXPIRED);
    }

    @Test
    void roundTripsJobRequestedWithEveryKindOfSpec() {
        var textToImage = new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a red circle", "blurry", 64, 64, 20, 5.0,
                Scheduler.EULER, 42L, 2, null, null, null, null, null, null, null, 600, CacheMode.USE,
                JsonCodec.mapper().createObjectNode().put("order", "A-7"));
        var inpaint = new JobSpec(JobKind.INPAINT, "tiny-shapes", "", "", 64, 64, 20, 7.5, Scheduler.DPMPP_2M_KARRAS,
                -1L, 1, new ImageRef.DataUrl("image/png", new byte[] {1, 2, 3}), new ImageRef.Upload("mask-1"), 0.75,
                InpaintArea.MASKED, 32, 4, null, null, CacheMode.BYPASS, null);
        var outpaint = new JobSpec(JobKind.OUTPAINT, "tiny-shapes", "sea", "", 96, 64, 20, 5.0, Scheduler.FLOW_EULER,
                7L, 1, new ImageRef.Upload("img-1"), null, null, null, null, null, new OutpaintExtents(32, 0, 0, 0),
                null, CacheMode.USE, null);

        for (JobSpec spec : List.of(textToImage, inpaint, outpaint)) {
            var requested = new JobRequested("job-1", "acme", 1, spec, AT, spec.startDeadlineSeconds() == null ? null : AT.plusSeconds(600));
            assertThat(JsonCodec.decode(JsonCodec.encode(requested), JobRequested.class)).isEqualTo(requested);
        }
    }

    @Test
    void writesJobRequestedWithTheSpecAsTheWireRequest() {
        var spec = new JobSpec(JobKind.OUTPAINT, "tiny-shapes", "sea", "", 96, 64, 20, 5.0, Scheduler.EULER_ANCESTRAL,
                7L, 1, new ImageRef.Upload("img-1"), null, null, null, null, null, new OutpaintExtents(32, 0, 0, 0),
                null, CacheMode.USE, null);

        JsonNode tree = tree(JsonCodec.encode(new JobRequested("job-1", "acme", 1, spec, AT, null)));

        assertThat(tree.get("schema_version").intValue()).isEqualTo(1);
        assertThat(tree.get("tenant").textValue()).isEqualTo("acme");
        assertThat(tree.has("start_deadline")).isFalse();
        assertThat(tree.get("submitted_at").textValue()).isEqualTo("2025-06-01T12:00:00.123456Z");
        assertThat(tree.get("spec").toString()).isEqualTo("{\"kind\":\"outpaint\",\"model\":\"tiny-shapes\","
                + "\"prompt\":\"sea\",\"negative_prompt\":\"\",\"width\":96,\"height\":64,\"steps\":20,"
                + "\"guidance_scale\":5.0,\"scheduler\":\"euler_ancestral\",\"seed\":7,\"num_images\":1,"
                + "\"image\":\"upload:img-1\",\"outpaint\":{\"left\":32,\"right\":0,\"top\":0,\"bottom\":0},"
                + "\"cache\":\"use\",\"metadata\":{}}");
    }

    @Test
    void readsARecordQueuedBeforeTenantsWithoutOne() {
        byte[] old = ("{\"schema_version\":1,\"job_id\":\"job-1\",\"attempt\":1,\"submitted_at\":\"2025-06-01T12:00:00Z\","
                + "\"spec\":{\"kind\":\"text-to-image\",\"model\":\"tiny-shapes\",\"prompt\":\"sea\",\"negative_prompt\":\"\",\"width\":64,"
                + "\"height\":64,\"steps\":4,\"guidance_scale\":5.0,\"scheduler\":\"euler\",\"seed\":1,\"num_images\":1,"
                + "\"cache\":\"use\",\"metadata\":{}}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(JsonCodec.decode(old, JobRequested.class).tenant()).isNull();
    }

    @Test
    void carriesWhereToStoreAndLookUpSimilarPrompts() {
        var spec = new JobSpec(JobKind.TEXT_TO_IMAGE, "tiny-shapes", "a red circle", "", 64, 64, 12, 5.0, Scheduler.EULER,
                5L, 1, null, null, null, null, null, null, null, null, CacheMode.SIMILAR, null);
        var requested = new JobRequested("job-1", "acme", 1, spec, AT, null,
                new SimilarReuse("easel:similar:" + "ab".repeat(32), java.time.Duration.ofDays(7), 500, true));

        byte[] json = JsonCodec.encode(requested);

        assertThat(JsonCodec.decode(json, JobRequested.class)).isEqualTo(requested);
        assertThat(tree(json).at("/similar/max_entries").intValue()).isEqualTo(500);
        assertThat(tree(json).at("/similar/lookup").booleanValue()).isTrue();
        assertThat(tree(JsonCodec.encode(new JobRequested("job-1", "acme", 1, spec, AT, null))).has("similar")).isFalse();
    }

    @Test
    void knowsWhenTheStartDeadlinePassed() {
        var spec = new JobSpec(JobKind.TEXT_TO_IMAGE, "m", "p", "", 64, 64, 1, 1, Scheduler.EULER, 1, 1, null, null,
                null, null, null, null, null, 10, CacheMode.USE, null);
        var requested = new JobRequested("job-1", "acme", 1, spec, AT, AT.plusSeconds(10));

        assertThat(requested.expiredAt(AT.plusSeconds(10))).isFalse();
        assertThat(requested.expiredAt(AT.plusSeconds(11))).isTrue();
        assertThat(new JobRequested("job-1", "acme", 1, spec, AT, null).expiredAt(Instant.MAX)).isFalse();
    }

    private static JsonNode tree(byte[] json) {
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
