package dev.easel.gateway.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobRequested;
import dev.easel.common.storage.StorageKeys;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.platform.storage.StorageConfig;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Single flight ({@link Coalescing}) against the real Redis, PostgreSQL, Kafka and S3: identical requests with a
 * pinned seed run once, followers finish with their leader's result or error, and a canceled leader hands its
 * place to its oldest follower. This test plays the worker; every test uses its own prompt.
 */
@QuarkusTest
class CoalescingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

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
    void fiftyConcurrentIdenticalSubmitsRunOnceAndAllGetItsImages() throws Exception {
        String body = "{\"prompt\": \"a red circle " + UUID.randomUUID() + "\", \"seed\": 42}";
        List<Response> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(50)) {
            List<Future<Response>> pending = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                pending.add(clients.submit(() -> submit(body)));
            }
            for (Future<Response> answer : pending) {
                answers.add(answer.get());
            }
        }
        assertThat(answers).extracting(Response::statusCode).containsOnly(202);
        List<String> ids = answers.stream().map(r -> r.<String>path("id")).toList();
        assertThat(new HashSet<>(ids)).hasSize(50);
        assertThat(answers).extracting(r -> r.<String>path("cache")).containsOnly("miss", "coalesced")
                .filteredOn("miss"::equals).hasSize(1);

        Map<String, List<JobRequested>> published = worker.drainAll(Duration.ofSeconds(2), WAIT);
        List<String> run = ids.stream().filter(published::containsKey).toList();
        assertThat(run).as("jobs handed to workers").hasSize(1);
        String leader = run.getFirst();
        assertThat(published.get(leader)).hasSize(1);
        answers.stream().filter(r -> "coalesced".equals(r.path("cache")))
                .forEach(r -> assertThat(r.<String>path("cache_source.job_id")).isEqualTo(leader));

        worker.succeed(published.get(leader).getFirst(), 42, s3, storage.bucket());
        for (String id : ids) {
            await().atMost(WAIT).until(() -> "succeeded".equals(get(id).path("status")));
        }
        Set<String> keys = new HashSet<>();
        for (String id : ids) {
            Response job = get(id);
            keys.add(pathOf(job.path("output.images[0].url")));
            if (!id.equals(leader)) {
                assertThat(job.<Integer>path("attempts")).isZero();
                assertThat(job.<Integer>path("metrics.inference_ms")).isZero();
            }
        }
        assertThat(keys).containsExactly("/" + storage.bucket() + "/" + StorageKeys.output(TestKeys.OPERATOR_TENANT, leader, 0));
    }

    @Test
    void followersOfAFailedJobFailWithItsError() {
        String body = "{\"prompt\": \"a pink triangle " + UUID.randomUUID() + "\", \"seed\": 3}";
        String leader = submit(body).path("id");
        Response follower = submit(body);
        assertThat(follower.<String>path("cache")).isEqualTo("coalesced");
        worker.take(leader);
        worker.publish(new JobEvent.Started(leader, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
        worker.publish(new JobEvent.Failed(leader, 1, 1, ContractWorker.WORKER_ID, Instant.now(),
                new JobError("model_error", "the denoiser produced NaN", false)));
        await().atMost(WAIT).until(() -> "failed".equals(get(follower.path("id")).path("status")));
        Response failed = get(follower.path("id"));
        assertThat(failed.<String>path("error.code")).isEqualTo("model_error");
        assertThat(failed.<String>path("error.message")).contains(leader);

        // The failed job no longer leads: the next identical request runs.
        Response next = submit(body);
        assertThat(next.<String>path("cache")).isEqualTo("miss");
        worker.take(next.path("id"));
    }

    @Test
    void whenTheLeaderIsCanceledTheOldestFollowerRunsAndTheOthersFollowIt() {
        String body = "{\"prompt\": \"a brown circle " + UUID.randomUUID() + "\", \"seed\": 8}";
        String leader = submit(body).path("id");
        String older = submit(body).path("id");
        String younger = submit(body).path("id");
        JobRequested first = worker.take(leader);

        assertThat(given().post("/v1/jobs/" + leader + "/cancel").<String>path("status")).isEqualTo("canceled");
        JobRequested promoted = worker.take(older);
        assertThat(promoted.spec().seed()).isEqualTo(8);
        assertThat(promoted.tenant()).isEqualTo(first.tenant()).isEqualTo(TestKeys.OPERATOR_TENANT);
        // the promoted run's result enters the similar index like the leader's would have
        assertThat(promoted.similar()).isNotNull().isEqualTo(first.similar());
        assertThat(promoted.similar().lookup()).isFalse();
        Response olderView = get(older);
        assertThat(olderView.<String>path("cache")).isEqualTo("miss");
        assertThat(olderView.<Object>path("cache_source")).isNull();
        assertThat(get(younger).<String>path("cache_source.job_id")).isEqualTo(older);
        assertThat(worker.received(younger, Duration.ofSeconds(1))).isEmpty();

        Response latecomer = submit(body);
        assertThat(latecomer.<String>path("cache")).isEqualTo("coalesced");
        assertThat(latecomer.<String>path("cache_source.job_id")).isEqualTo(older);

        worker.succeed(promoted, 8, s3, storage.bucket());
        for (String id : List.of(older, younger, latecomer.<String>path("id"))) {
            await().atMost(WAIT).until(() -> "succeeded".equals(get(id).path("status")));
        }
        assertThat(get(leader).<String>path("status")).isEqualTo("canceled");
    }

    private static String pathOf(String url) {
        return URI.create(url).getPath();
    }

    private static Response submit(String body) {
        return given().contentType("application/json").body(body).post("/v1/jobs");
    }

    private static Response get(String id) {
        return given().get("/v1/jobs/" + id);
    }
}
