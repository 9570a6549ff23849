package dev.easel.gateway.admission;

import static dev.easel.gateway.rest.Problems.assertProblem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.event.JobRequested;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.gateway.upload.TestImages;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} (docs/api.md): the same key and body give the same job, whatever the key order and
 * whitespace; another body is refused; and concurrent retries create one row and one {@code easel.jobs} record.
 */
@QuarkusTest
class IdempotencyIT {

    private static final int CONCURRENT = 20;

    @Inject
    DataSource database;

    @Inject
    MeterRegistry registry;

    @Test
    void theSameKeyAndBodyReturnTheSameJobAndStoreOneRow() {
        String key = newKey();
        String body = "{\"prompt\": \"idempotent " + key + "\", \"seed\": 11}";
        Response first = submit(key, body);
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(202);
        String id = first.path("id");

        Response again = submit(key, body);
        assertThat(again.statusCode()).isIn(200, 202);
        assertThat(again.<String>path("id")).isEqualTo(id);
        assertThat(again.header("Location")).endsWith("/v1/jobs/" + id);
        assertThat(again.<Map<String, Object>>path("input")).isEqualTo(first.path("input"));
        assertThat(again.<String>path("created_at")).isEqualTo(first.path("created_at"));
        assertThat(rowsWithKey(key)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedAndCreatesNothing() {
        String key = newKey();
        String id = submit(key, "{\"prompt\": \"first body " + key + "\"}").path("id");

        assertProblem(submit(key, "{\"prompt\": \"second body " + key + "\"}"), 422, "idempotency_key_reused");
        assertProblem(submit(key, "{\"prompt\": \"first body " + key + "\", \"steps\": 4}"), 422, "idempotency_key_reused");
        assertThat(rowsWithKey(key)).isEqualTo(1);
        assertThat(given().get("/v1/jobs/" + id).<String>path("input.prompt")).isEqualTo("first body " + key);
    }

    @Test
    void keyOrderAndWhitespaceDoNotMakeAnotherBody() {
        String key = newKey();
        String compact = "{\"prompt\":\"order " + key + "\",\"steps\":3,\"metadata\":{\"a\":1,\"b\":{\"c\":[1,2]}}}";
        String reordered = """
                {
                  "metadata" : { "b" : { "c" : [ 1, 2 ] }, "a" : 1 },
                  "steps" : 3,
                  "prompt" : "order %s"
                }
                """.formatted(key);
        String id = submit(key, compact).path("id");

        Response again = submit(key, reordered);
        assertThat(again.statusCode()).as(again.asString()).isIn(200, 202);
        assertThat(again.<String>path("id")).isEqualTo(id);
        assertThat(rowsWithKey(key)).isEqualTo(1);
    }

    @Test
    void aRefusedRequestDoesNotUseUpItsKey() {
        String key = newKey();
        assertProblem(submit(key, "{\"prompt\": \"x\", \"steps\": 0}"), 400, "invalid_request");
        assertThat(rowsWithKey(key)).isZero();

        Response accepted = submit(key, "{\"prompt\": \"after a refusal " + key + "\"}");
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        assertThat(rowsWithKey(key)).isEqualTo(1);
    }

    @Test
    void aRetriedJobWithAnInlineImageReturnsTheSameJob() {
        String key = newKey();
        String body = "{\"kind\": \"image-to-image\", \"prompt\": \"inline " + key + "\", \"image\": \""
                + TestImages.pngDataUrl(16, 16) + "\"}";
        String id = submit(key, body).path("id");
        assertThat(submit(key, body).<String>path("id")).isEqualTo(id);
        assertThat(rowsWithKey(key)).isEqualTo(1);
    }

    @Test
    void aRetriedMultipartJobReturnsTheSameJob() {
        String key = newKey();
        String request = "{\"kind\": \"image-to-image\", \"prompt\": \"multipart " + key + "\"}";
        byte[] image = TestImages.png(16, 16);
        Response first = given().header("Idempotency-Key", key).multiPart("request", request)
                .multiPart("image", "in.png", image, "image/png").post("/v1/jobs");
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(202);

        Response again = given().header("Idempotency-Key", key).multiPart("request", request)
                .multiPart("image", "in.png", image, "image/png").post("/v1/jobs");
        assertThat(again.statusCode()).as(again.asString()).isIn(200, 202);
        assertThat(again.<String>path("id")).isEqualTo(first.path("id"));
        assertThat(rowsWithKey(key)).isEqualTo(1);
    }

    @Test
    void twentyConcurrentRetriesCreateOneJobOneRowAndOneKafkaRecord() throws Exception {
        String key = newKey();
        String body = "{\"prompt\": \"concurrent " + key + "\", \"steps\": 2}";
        List<Response> answers = new ArrayList<>();
        double submittedBefore = submitted();
        try (ContractWorker worker = new ContractWorker();
             ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> pending = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                pending.add(clients.submit(() -> {
                    go.await();
                    return submit(key, body);
                }));
            }
            go.countDown();
            for (Future<Response> answer : pending) {
                answers.add(answer.get());
            }

            Set<String> ids = answers.stream().filter(a -> a.statusCode() / 100 == 2)
                    .map(a -> a.<String>path("id")).collect(Collectors.toSet());
            assertThat(ids).hasSize(1);
            for (Response answer : answers) {
                assertThat(answer.statusCode()).as(answer.asString()).isIn(200, 202);
            }
            assertThat(submitted() - submittedBefore).as("the job is counted once, its replays not at all").isEqualTo(1);
            assertThat(answers).filteredOn(a -> a.statusCode() == 202).isNotEmpty();
            assertThat(rowsWithKey(key)).isEqualTo(1);

            String id = ids.iterator().next();
            assertThat(worker.received(id, Duration.ofSeconds(20))).as("records for job %s", id).hasSize(1);
            Map<String, List<JobRequested>> published = worker.drainAll(Duration.ofSeconds(2), Duration.ofSeconds(20));
            assertThat(published.get(id)).as("records for job %s after the topic went quiet", id).hasSize(1);
            assertThat(published.get(id).getFirst().spec().prompt()).isEqualTo("concurrent " + key);
        }
    }

    private double submitted() {
        return registry.counter("easel_jobs_submitted").count();
    }

    private static String newKey() {
        return "it-" + UUID.randomUUID();
    }

    private static Response submit(String key, String body) {
        return given().header("Idempotency-Key", key).contentType("application/json").body(body).post("/v1/jobs");
    }

    private long rowsWithKey(String key) {
        try (Connection connection = database.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM jobs WHERE idempotency_key = ?")) {
            query.setString(1, key);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
