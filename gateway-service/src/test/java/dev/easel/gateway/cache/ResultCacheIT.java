package dev.easel.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ResultImage;
import dev.easel.common.event.ReusedResult;
import dev.easel.common.storage.StorageKeys;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.platform.storage.StorageConfig;
import dev.easel.testsupport.TestKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The result cache on the submit path against the real Redis, PostgreSQL, Kafka and S3; this test plays the
 * worker. Every test uses its own prompt, so tests never share cache entries.
 */
@QuarkusTest
class ResultCacheIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    @Inject
    MeterRegistry registry;

    @Inject
    CacheConfig cacheConfig;

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
    void theSameSeedHitsAndAnyOtherSeedOrParameterMisses() {
        String prompt = "a blue square " + UUID.randomUUID();
        String first = ranToSuccess("{\"prompt\": \"" + prompt + "\", \"seed\": 5}", 5);
        double hitsBefore = outcomeCount("hit");

        Response hit = submit("{\"prompt\": \"" + prompt + "\", \"seed\": 5}");
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.<String>path("status")).isEqualTo("succeeded");
        assertThat(hit.<String>path("cache")).isEqualTo("hit");
        assertThat(hit.<String>path("cache_source.job_id")).isEqualTo(first);
        assertThat(hit.<String>path("id")).isNotEqualTo(first);
        assertThat(hit.<Integer>path("attempts")).isZero();
        assertThat(hit.<Integer>path("metrics.inference_ms")).isZero();
        assertThat(pathOf(hit.path("output.images[0].url"))).endsWith(StorageKeys.output(TestKeys.OPERATOR_TENANT, first, 0));
        assertThat(outcomeCount("hit")).isEqualTo(hitsBefore + 1);
        assertThat(worker.received(hit.path("id"), Duration.ofSeconds(2))).isEmpty();

        // Case, spacing and full-width punctuation do not make another request.
        String variant = "  " + prompt.toUpperCase(java.util.Locale.ROOT).replace(" ", "\u3000  ") + "\u3002";
        assertThat(submit("{\"prompt\": \"" + variant + "\", \"seed\": 5}").<String>path("cache")).isEqualTo("hit");

        for (String other : List.of(
                "{\"prompt\": \"" + prompt + "\", \"seed\": 6}",
                "{\"prompt\": \"" + prompt + "\", \"seed\": 5, \"steps\": 7}",
                "{\"prompt\": \"" + prompt + "\", \"seed\": 5, \"negative_prompt\": \"blurry\"}",
                "{\"prompt\": \"" + prompt + "\", \"seed\": 5, \"width\": 128}",
                "{\"prompt\": \"" + prompt + " with a dot\", \"seed\": 5}",
                "{\"prompt\": \"" + prompt + "\"}")) {
            Response miss = submit(other);
            assertThat(miss.statusCode()).as(other).isEqualTo(202);
            assertThat(miss.<String>path("cache")).as(other).isEqualTo("miss");
            worker.take(miss.path("id"));
        }
    }

    @Test
    void bypassNoCacheAndNoStoreAreHonoured() {
        String prompt = "a green star " + UUID.randomUUID();
        String first = ranToSuccess("{\"prompt\": \"" + prompt + "\", \"seed\": 1}", 1);

        Response bypass = submit("{\"prompt\": \"" + prompt + "\", \"seed\": 1, \"cache\": \"bypass\"}");
        assertThat(bypass.<String>path("cache")).isEqualTo("bypass");
        worker.take(bypass.path("id"));
        Response noCache = given().contentType("application/json").header("Cache-Control", "no-cache")
                .body("{\"prompt\": \"" + prompt + "\", \"seed\": 1}").post("/v1/jobs");
        assertThat(noCache.statusCode()).isEqualTo(202);
        assertThat(noCache.<String>path("cache")).isEqualTo("bypass");
        worker.take(noCache.path("id"));

        String unstored = given().contentType("application/json").header("Cache-Control", "no-store")
                .body("{\"prompt\": \"" + prompt + "\", \"seed\": 2}").post("/v1/jobs").path("id");
        worker.succeed(worker.take(unstored), 2, s3, storage.bucket());
        await().atMost(WAIT).until(() -> "succeeded".equals(get(unstored).path("status")));
        Response again = submit("{\"prompt\": \"" + prompt + "\", \"seed\": 2}");
        assertThat(again.<String>path("cache")).isEqualTo("miss");
        worker.take(again.path("id"));
    }

    @Test
    void aHitWithinTheVerifyIntervalOfAnotherHitSkipsTheStorageCheck() {
        String body = "{\"prompt\": \"a brown square " + UUID.randomUUID() + "\", \"seed\": 8}";
        ranToSuccess(body, 8);
        assertThat(submit(body).<String>path("cache")).as("checked with storage, found").isEqualTo("hit");
        String first = submit(body).<String>path("cache_source.job_id");
        s3.deleteObject(d -> d.bucket(storage.bucket()).key(StorageKeys.output(TestKeys.OPERATOR_TENANT, first, 0)));

        // Checked less than verify-interval (30 s) ago: served without asking storage again, the documented cost
        // of not sending two HEAD requests per image on every hit.
        assertThat(submit(body).<String>path("cache")).isEqualTo("hit");
    }

    @Test
    void aResultWhoseImagesAreGoneIsDroppedInsteadOfServed() {
        String body = "{\"prompt\": \"a yellow square " + UUID.randomUUID() + "\", \"seed\": 4}";
        String first = ranToSuccess(body, 4);
        s3.deleteObject(d -> d.bucket(storage.bucket()).key(StorageKeys.output(TestKeys.OPERATOR_TENANT, first, 0)));

        Response again = submit(body);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.<String>path("cache")).isEqualTo("miss");
        worker.take(again.path("id"));
    }

    @Test
    void similarReuseAnswersTheSamePromptWithAnySeed() {
        String prompt = "a purple star " + UUID.randomUUID();
        String first = ranToSuccess("{\"prompt\": \"" + prompt + "\", \"seed\": 11}", 11);

        Response plain = submit("{\"prompt\": \"" + prompt + "\"}");
        assertThat(plain.<String>path("cache")).as("without opting in a seedless request never reuses").isEqualTo("miss");
        worker.take(plain.path("id"));

        Response similar = submit("{\"prompt\": \" " + prompt.toUpperCase(java.util.Locale.ROOT) + ". \", \"cache\": \"similar\"}");
        assertThat(similar.statusCode()).isEqualTo(200);
        assertThat(similar.<String>path("cache")).isEqualTo("similar");
        assertThat(similar.<String>path("cache_source.job_id")).isEqualTo(first);
        assertThat(similar.<Float>path("cache_source.similarity")).isEqualTo(1.0f);
        assertThat(similar.<Integer>path("output.images[0].seed")).isEqualTo(11);
    }

    @Test
    void theWorkerIsToldWhereSimilarPromptsLiveAndItsReuseShowsInTheJob() {
        String tag = UUID.randomUUID().toString();
        String first = submit("{\"prompt\": \"a large red circle " + tag + "\", \"seed\": 5}").path("id");
        JobRequested stored = worker.take(first);
        assertThat(stored.similar()).as("a storable result goes into the similar-prompt index").isNotNull();
        assertThat(stored.similar().lookup()).as("a pinned seed asks for exactly that image").isFalse();
        worker.succeed(stored, 5, s3, storage.bucket());

        Response asked = submit("{\"prompt\": \"红色的大圆形 " + tag + "\", \"cache\": \"similar\"}");
        assertThat(asked.<String>path("cache")).as("no equal text: the worker compares embeddings").isEqualTo("miss");
        String id = asked.path("id");
        JobRequested lookup = worker.take(id);
        assertThat(lookup.similar().lookup()).isTrue();
        assertThat(lookup.similar().index()).as("same parameters, other prompt: the same index")
                .isEqualTo(stored.similar().index());
        assertThat(lookup.similar().ttl()).isEqualTo(cacheConfig.ttl());

        // Play the worker that found the first job's result close enough and answered with it.
        double reusesBefore = workerReuses();
        worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        worker.publish(new JobEvent.Succeeded(id, 1, 1, ContractWorker.WORKER_ID, Instant.now(), List.of(
                new ResultImage(0, StorageKeys.output(TestKeys.OPERATOR_TENANT, first, 0), StorageKeys.thumbnail(TestKeys.OPERATOR_TENANT, first, 0), 64, 64, 5, "image/png")),
                new JobMetrics(2L, 4L, 0L, 0L), new ReusedResult(first, 0.962)));
        await().atMost(WAIT).until(() -> "succeeded".equals(get(id).path("status")));
        Response done = get(id);
        assertThat(done.<String>path("cache")).isEqualTo("similar");
        assertThat(done.<String>path("cache_source.job_id")).isEqualTo(first);
        assertThat(done.<Float>path("cache_source.similarity")).isEqualTo(0.962f);
        assertThat(pathOf(done.path("output.images[0].url"))).endsWith(StorageKeys.output(TestKeys.OPERATOR_TENANT, first, 0));
        assertThat(workerReuses()).isEqualTo(reusesBefore + 1);

        String unstored = given().contentType("application/json").header("Cache-Control", "no-store")
                .body("{\"prompt\": \"a small red circle " + tag + "\", \"seed\": 6}").post("/v1/jobs").path("id");
        assertThat(worker.take(unstored).similar()).as("no-store keeps it out of every index").isNull();
    }

    /** Submits a job that runs (a cache miss) and plays its worker to success; returns its id. */
    private String ranToSuccess(String body, long seed) {
        String id = submit(body).path("id");
        worker.succeed(worker.take(id), seed, s3, storage.bucket());
        await().atMost(WAIT).until(() -> "succeeded".equals(get(id).path("status")));
        return id;
    }

    private double outcomeCount(String outcome) {
        return registry.counter("easel_cache_requests", "outcome", outcome).count();
    }

    private double workerReuses() {
        return registry.counter("easel_cache_worker_similar_reuses").count();
    }

    private static String pathOf(String url) {
        return java.net.URI.create(url).getPath();
    }

    private static Response submit(String body) {
        return given().contentType("application/json").body(body).post("/v1/jobs");
    }

    private static Response get(String id) {
        return given().get("/v1/jobs/" + id);
    }
}
