package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.platform.storage.StorageConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code GET /v1/usage}: a tenant's jobs, images, cache hits and GPU-seconds per day and model; this test plays the worker. */
@QuarkusTest
class UsageIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    @Test
    void countsTheTenantsOwnJobsImagesHitsAndGpuSeconds() {
        String tenant = TestTenants.create("usage");
        String other = TestTenants.create("usage-other");
        String member = TestTenants.key(tenant, Role.MEMBER);
        String body = "{\"prompt\": \"counted " + UUID.randomUUID() + "\", \"seed\": 9}";
        try (ContractWorker worker = new ContractWorker()) {
            String ran = submit(member, body).path("id");
            worker.succeed(worker.take(ran), 9, s3, storage.bucket());
            await().atMost(WAIT).until(() -> "succeeded".equals(as(member).get("/v1/jobs/" + ran).path("status")));
            assertThat(submit(member, body).<String>path("cache")).isEqualTo("hit");
            String canceled = submit(member, "{\"prompt\": \"never run\"}").path("id");
            as(member).post("/v1/jobs/" + canceled + "/cancel").then().statusCode(200);
            worker.take(canceled);
        }
        submit(TestTenants.key(other, Role.MEMBER), "{\"prompt\": \"someone else's\"}").then().statusCode(202);

        Response usage = as(TestTenants.key(tenant, Role.VIEWER)).get("/v1/usage");
        assertThat(usage.statusCode()).as(usage.asString()).isEqualTo(200);
        assertThat(usage.<String>path("tenant")).isEqualTo(tenant);
        assertThat(usage.<String>path("to")).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        List<Map<String, Object>> days = usage.path("data");
        assertThat(days).hasSize(1);
        Map<String, Object> today = days.getFirst();
        assertThat(today).containsEntry("date", LocalDate.now(ZoneOffset.UTC).toString())
                .containsEntry("model", "tiny-shapes").containsEntry("jobs", 3).containsEntry("succeeded", 2)
                .containsEntry("canceled", 1).containsEntry("failed", 0).containsEntry("images", 2)
                .containsEntry("cache_hits", 1);
        // ContractWorker reports 280 ms of inference for the job it ran; the hit cost none.
        assertThat(((Number) today.get("gpu_seconds")).doubleValue()).isCloseTo(0.28, org.assertj.core.api.Assertions.within(1e-6));

        assertThat(as(TestTenants.key(other, Role.ADMIN)).get("/v1/usage?tenant=" + tenant).statusCode()).isEqualTo(404);
        assertThat(given().get("/v1/usage?tenant=" + tenant).<Integer>path("data[0].jobs")).isEqualTo(3);
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
        assertThat(as(member).get("/v1/usage?from=" + yesterday + "&to=" + yesterday).<List<?>>path("data")).isEmpty();
    }

    @Test
    void theRangeIsValidated() {
        for (String query : List.of("from=2026-12-08&to=2026-12-01", "from=yesterday", "to=2026-13-01",
                "from=2024-01-01&to=2026-01-01")) {
            Response answer = given().get("/v1/usage?" + query);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            assertThat(answer.<String>path("code")).isEqualTo("invalid_request");
            assertThat(answer.<String>path("errors[0].field")).isIn("from", "to");
        }
        assertThat(given().get("/v1/usage?from=2025-12-08&to=2026-12-08").statusCode()).isEqualTo(200);
    }

    private static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }

    private static Response submit(String key, String body) {
        return as(key).contentType(ContentType.JSON).body(body).post("/v1/jobs");
    }
}
