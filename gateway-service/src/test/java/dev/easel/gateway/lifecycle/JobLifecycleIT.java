package dev.easel.gateway.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ResultImage;
import dev.easel.common.job.JobStage;
import dev.easel.common.queue.RedisKeys;
import dev.easel.common.storage.StorageKeys;
import dev.easel.common.trace.TraceParent;
import dev.easel.gateway.updates.SseRecorder;
import dev.easel.testsupport.TestKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job lifecycle contract against the real broker, database and Redis: this test plays the worker by
 * reading {@code easel.jobs} and publishing {@code easel.job-events}, and checks that polling and SSE show
 * every stage.
 */
@QuarkusTest
class JobLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    private ContractWorker worker;

    @BeforeEach
    void startWorker() {
        worker = new ContractWorker();
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    @Test
    void succeededJobShowsEveryStageInPollingAndSse() {
        Response submitted = submit("{\"prompt\": \"a red circle\", \"seed\": 7}");
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = submitted.path("id");
        assertThat(submitted.header("Location")).endsWith("/v1/jobs/" + id);
        assertThat(submitted.header("Retry-After")).isEqualTo("1");
        assertThat(submitted.<String>path("status")).isEqualTo("queued");
        assertThat(submitted.<Integer>path("queue.position")).isGreaterThanOrEqualTo(0);
        assertThat(submitted.<Float>path("queue.eta_seconds")).isPositive();
        assertThat(submitted.<Integer>path("input.seed")).isEqualTo(7);
        assertThat(submitted.<Integer>path("input.width")).isEqualTo(64);

        JobRequested job = worker.take(id);
        assertThat(job.spec().prompt()).isEqualTo("a red circle");
        assertThat(job.attempt()).isEqualTo(1);

        SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        sse.awaitEvents(1, WAIT);
        assertThat(sse.names()).containsExactly("status");

        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        await().atMost(WAIT).until(() -> "running".equals(get(id).path("status")));
        for (int step = 1; step <= 3; step++) {
            worker.publish(new JobEvent.Progress(id, 1, step, ContractWorker.WORKER_ID, Instant.now(),
                    JobStage.DENOISING, step, 3, step == 3 ? StorageKeys.preview(TestKeys.OPERATOR_TENANT, id) : null));
        }
        await().atMost(WAIT).until(() -> Integer.valueOf(3).equals(get(id).path("progress.step")));
        Response running = get(id);
        assertThat(running.<String>path("progress.stage")).isEqualTo("denoising");
        assertThat(running.<Float>path("progress.percent")).isEqualTo(100.0f);
        assertThat(running.<String>path("progress.preview_url")).contains(StorageKeys.preview(TestKeys.OPERATOR_TENANT, id));

        ResultImage image = new ResultImage(0, StorageKeys.output(TestKeys.OPERATOR_TENANT, id, 0), StorageKeys.thumbnail(TestKeys.OPERATOR_TENANT, id, 0), 64, 64, 7, "image/png");
        worker.publish(new JobEvent.Succeeded(id, 1, 4, ContractWorker.WORKER_ID, Instant.now(), List.of(image),
                new JobMetrics(3L, 410L, 380L, 12L)));
        await().atMost(WAIT).until(() -> "succeeded".equals(get(id).path("status")));

        assertThat(sse.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(sse.names()).containsSubsequence("status", "status", "progress", "progress", "progress", "preview", "succeeded");
        assertThat(sse.names().getLast()).isEqualTo("succeeded");
        JsonPath terminal = JsonPath.from(sse.events().getLast().data());
        assertThat(terminal.getString("output.images[0].url")).contains(StorageKeys.output(TestKeys.OPERATOR_TENANT, id, 0));

        Response done = get(id);
        assertThat(done.<String>path("output.images[0].thumbnail_url")).contains(StorageKeys.thumbnail(TestKeys.OPERATOR_TENANT, id, 0));
        assertThat(done.<Integer>path("output.images[0].seed")).isEqualTo(7);
        assertThat(done.<Integer>path("metrics.run_ms")).isEqualTo(410);
        assertThat(done.<Integer>path("attempts")).isEqualTo(1);
        assertThat(done.<String>path("started_at")).isNotNull();
        assertThat(done.<String>path("completed_at")).isNotNull();
        assertThat(done.<Object>path("progress")).isNull();

        // A late subscriber gets the terminal event at once, and the stream ends.
        SseRecorder late = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        assertThat(late.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(late.names()).containsExactly("succeeded");

        // Resuming after the first progress event replays what came after it.
        String afterFirstProgress = sse.events().stream().filter(e -> e.name().equals("progress")).findFirst().orElseThrow().id();
        SseRecorder resumed = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), afterFirstProgress);
        assertThat(resumed.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(resumed.names()).containsExactly("progress", "progress", "preview", "succeeded");
        // That replay came from the job's history in Redis, which expires within 6 h.
        String history = "easel:events:" + id;
        assertThat(redis.list(String.class).llen(history)).isEqualTo(sse.events().size() - 1);
        assertThat(redis.key().ttl(history)).isBetween(1L, Duration.ofHours(6).toSeconds());

        // Resuming at the terminal event (a browser's EventSource reconnects by itself when a stream ends): nothing
        // newer will ever come, so the stream ends at once instead of staying open on keep-alives.
        String terminalId = late.events().getLast().id();
        SseRecorder atTheEnd = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), terminalId);
        assertThat(atTheEnd.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(atTheEnd.names()).isEmpty();
        // Nor does a resume past the end, at an id no event will ever have.
        SseRecorder beyond = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), "999999.999999.9");
        assertThat(beyond.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(beyond.names()).isEmpty();
    }

    @Test
    void theClientsTraceContextTravelsWithTheJob() {
        String clientTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String traced = given().contentType("application/json").header("traceparent", clientTrace)
                .body("{\"prompt\": \"a traced circle\"}").post("/v1/jobs").path("id");
        worker.take(traced);
        assertThat(TraceParent.parse(worker.headers(traced).get("traceparent")).orElseThrow().traceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        String untraced = submit("{\"prompt\": \"an untraced circle\"}").path("id");
        worker.take(untraced);
        assertThat(TraceParent.parse(worker.headers(untraced).get("traceparent"))).as("a trace id of its own").isPresent();
    }

    @Test
    void failedJobReportsItsError() {
        String id = submit("{\"prompt\": \"a blue square\"}").path("id");
        worker.take(id);
        SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        worker.publish(new JobEvent.Failed(id, 1, 1, ContractWorker.WORKER_ID, Instant.now(),
                new JobError("model_error", "the denoiser produced NaN", false)));
        assertThat(sse.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(sse.names().getLast()).isEqualTo("failed");
        Response failed = get(id);
        assertThat(failed.<String>path("status")).isEqualTo("failed");
        assertThat(failed.<String>path("error.code")).isEqualTo("model_error");
        assertThat(failed.<Boolean>path("error.retryable")).isFalse();
    }

    @Test
    void recordsWithoutAnEventAreSkippedAndTheEventsBehindThemApply() {
        String id = submit("{\"prompt\": \"a green square\"}").path("id");
        worker.take(id);
        // Keyed by the job, so on its partition, ahead of its events: a tombstone and the JSON null.
        worker.publishRaw(id, null);
        worker.publishRaw(id, "null".getBytes(StandardCharsets.UTF_8));
        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        worker.publish(new JobEvent.Failed(id, 1, 1, ContractWorker.WORKER_ID, Instant.now(),
                new JobError("model_error", "the denoiser produced NaN", false)));

        await().atMost(WAIT).until(() -> "failed".equals(get(id).path("status")));
    }

    @Test
    void cancelingAQueuedJobEndsItAtOnceAndRaisesTheFlag() {
        String id = submit("{\"prompt\": \"a green star\"}").path("id");
        SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        sse.awaitEvents(1, WAIT);
        Response canceled = given().post("/v1/jobs/" + id + "/cancel");
        assertThat(canceled.statusCode()).isEqualTo(200);
        assertThat(canceled.<String>path("status")).isEqualTo("canceled");
        assertThat(redis.value(String.class).get(CancelFlags.key(java.util.UUID.fromString(id)))).isEqualTo("1");
        assertThat(sse.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(sse.names()).containsExactly("status", "canceled");

        // A worker that picks it up anyway cannot bring it back to life.
        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        worker.publish(new JobEvent.Succeeded(id, 1, 5, ContractWorker.WORKER_ID, Instant.now(), List.of(), null));
        Response again = given().post("/v1/jobs/" + id + "/cancel");
        assertThat(again.<String>path("status")).isEqualTo("canceled");
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> "canceled".equals(get(id).path("status")));
    }

    @Test
    void cancelingARunningJobWaitsForTheWorkerToStop() {
        String id = submit("{\"prompt\": \"a pink triangle\"}").path("id");
        worker.take(id);
        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        await().atMost(WAIT).until(() -> "running".equals(get(id).path("status")));
        SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        // What the worker running the job listens to.
        List<String> announced = new CopyOnWriteArrayList<>();
        var listening = redis.pubsub(String.class).subscribe(RedisKeys.CANCELS, announced::add);

        try {
            Response requested = given().post("/v1/jobs/" + id + "/cancel");
            assertThat(requested.statusCode()).isEqualTo(200);
            assertThat(requested.<String>path("status")).isEqualTo("running");
            assertThat(redis.value(String.class).get(CancelFlags.key(java.util.UUID.fromString(id)))).isEqualTo("1");
            await().atMost(WAIT).until(() -> announced.contains(id));
        } finally {
            listening.unsubscribe();
        }

        worker.publish(new JobEvent.Canceled(id, 1, 3, ContractWorker.WORKER_ID, Instant.now()));
        assertThat(sse.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(sse.names().getLast()).isEqualTo("canceled");
        assertThat(get(id).<String>path("status")).isEqualTo("canceled");
    }

    @Test
    void aJobNotStartedBeforeItsDeadlineExpires() {
        String id = submit("{\"prompt\": \"a brown circle\", \"start_deadline_seconds\": 1}").path("id");
        SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        await().atMost(WAIT).until(() -> "expired".equals(get(id).path("status")));
        assertThat(sse.awaitEnd(WAIT)).isEqualTo(200);
        assertThat(sse.names()).containsExactly("status", "expired");
        assertThat(get(id).<Integer>path("attempts")).isZero();
    }

    @Test
    void duplicateOutOfOrderAndStaleEventsNeverMoveAJobBackwards() {
        String id = submit("{\"prompt\": \"a yellow square\"}").path("id");
        worker.take(id);
        Instant now = Instant.now();
        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, now));
        worker.publish(new JobEvent.Progress(id, 1, 5, ContractWorker.WORKER_ID, now, JobStage.DENOISING, 5, 10, null));
        // Out of order: an older progress event after a newer one.
        worker.publish(new JobEvent.Progress(id, 1, 2, ContractWorker.WORKER_ID, now, JobStage.DENOISING, 2, 10, null));
        // The broker redelivered the job: attempt 2 starts; a late event of attempt 1 must not count.
        worker.publish(new JobEvent.Started(id, 2, 0, ContractWorker.WORKER_ID, now));
        worker.publish(new JobEvent.Progress(id, 1, 9, ContractWorker.WORKER_ID, now, JobStage.DENOISING, 9, 10, null));
        worker.publish(new JobEvent.Progress(id, 2, 1, ContractWorker.WORKER_ID, now, JobStage.DENOISING, 1, 10, null));
        await().atMost(WAIT).until(() -> Integer.valueOf(2).equals(get(id).path("attempts"))
                && Integer.valueOf(1).equals(get(id).path("progress.step")));

        JobEvent.Succeeded done = new JobEvent.Succeeded(id, 2, 2, ContractWorker.WORKER_ID, now, List.of(
                new ResultImage(0, StorageKeys.output(TestKeys.OPERATOR_TENANT, id, 0), StorageKeys.thumbnail(TestKeys.OPERATOR_TENANT, id, 0), 64, 64, 1, "image/png")), null);
        worker.publish(done);
        worker.publish(done);
        worker.publish(new JobEvent.Failed(id, 1, 10, ContractWorker.WORKER_ID, now, new JobError("x", "late", true)));
        worker.publish(new JobEvent.Progress(id, 2, 3, ContractWorker.WORKER_ID, now, JobStage.DECODING, 10, 10, null));
        await().atMost(WAIT).until(() -> "succeeded".equals(get(id).path("status")));
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> {
            Response job = get(id);
            return "succeeded".equals(job.path("status")) && job.path("error") == null
                    && Integer.valueOf(1).equals(job.path("output.images.size()"));
        });
    }

    private static Response submit(String body) {
        return given().contentType("application/json").body(body).post("/v1/jobs");
    }

    private static Response get(String id) {
        return given().get("/v1/jobs/" + id);
    }
}
