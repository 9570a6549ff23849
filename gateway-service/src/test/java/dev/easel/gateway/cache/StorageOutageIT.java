package dev.easel.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.ResultImage;
import dev.easel.common.storage.StorageKeys;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Object storage unreachable when a hit checks its images: the request runs as a job instead of failing. */
@QuarkusTest
@TestProfile(StorageOutageIT.NoStorage.class)
class StorageOutageIT {

    /** An S3 endpoint nothing listens on (the discard port). */
    public static class NoStorage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.storage.endpoint", "http://127.0.0.1:9");
        }
    }

    @Test
    void aHitWhoseStorageCheckFailsRunsTheJobInsteadOfFailingTheRequest() {
        String body = "{\"prompt\": \"a pink star " + UUID.randomUUID() + "\", \"seed\": 3}";
        try (ContractWorker worker = new ContractWorker()) {
            String first = given().contentType("application/json").body(body).post("/v1/jobs").path("id");
            worker.take(first);
            worker.publish(new JobEvent.Started(first, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
            worker.publish(new JobEvent.Succeeded(first, 1, 1, ContractWorker.WORKER_ID, Instant.now(), List.of(
                    new ResultImage(0, StorageKeys.output(TestKeys.OPERATOR_TENANT, first, 0), StorageKeys.thumbnail(TestKeys.OPERATOR_TENANT, first, 0), 64, 64, 3, "image/png")),
                    new JobMetrics(1L, 1L, 1L, 1L)));
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "succeeded".equals(given().get("/v1/jobs/" + first).path("status")));

            Response again = given().contentType("application/json").body(body).post("/v1/jobs");
            assertThat(again.statusCode()).as(again.asString()).isEqualTo(202);
            assertThat(again.<String>path("cache")).isEqualTo("unavailable");
            assertThat(worker.take(again.path("id"))).isNotNull();
        }
    }
}
