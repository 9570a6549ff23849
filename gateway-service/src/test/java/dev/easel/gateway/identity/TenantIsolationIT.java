package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobRequested;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.gateway.upload.TestImages;
import dev.easel.platform.storage.StorageConfig;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two tenants, A and B, on one gateway: nothing of A's is visible to, usable by or reused for B, through any
 * route (broken object-level authorisation tests); this test plays the worker.
 */
@QuarkusTest
class TenantIsolationIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    private ContractWorker worker;
    private String tenantA;
    private String tenantB;
    private Map<Role, String> keysA;
    private Map<Role, String> keysB;

    @BeforeEach
    void setUp() {
        worker = new ContractWorker();
        tenantA = TestTenants.create("a");
        tenantB = TestTenants.create("b");
        keysA = TestTenants.keys(tenantA);
        keysB = TestTenants.keys(tenantB);
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    @Test
    void anotherTenantsJobDoesNotExistForGetEventsOrCancel() {
        String job = submit(keysA.get(Role.MEMBER), "{\"prompt\": \"a secret " + UUID.randomUUID() + "\"}").path("id");

        for (Role role : List.of(Role.VIEWER, Role.MEMBER, Role.ADMIN)) {
            String b = keysB.get(role);
            assertNotFound(as(b).get("/v1/jobs/" + job));
            assertNotFound(as(b).get("/v1/jobs/" + job + "/events"));
            assertNotFound(as(b).post("/v1/jobs/" + job + "/cancel"));
        }
        // The answer for another tenant's job is the answer for a job that never existed.
        Response unknown = as(keysB.get(Role.ADMIN)).get("/v1/jobs/" + UUID.randomUUID());
        assertThat(unknown.<String>path("detail").replaceAll("[0-9a-f-]{36}", "ID"))
                .isEqualTo(as(keysB.get(Role.ADMIN)).get("/v1/jobs/" + job).<String>path("detail").replaceAll("[0-9a-f-]{36}", "ID"));
        assertThat(as(keysA.get(Role.VIEWER)).get("/v1/jobs/" + job).<String>path("status")).isEqualTo("queued");
        assertThat(as(TestKeys.OPERATOR).get("/v1/jobs/" + job).statusCode()).isEqualTo(200);
    }

    @Test
    void listsShowOnlyTheTenantsOwnJobs() {
        String a = submit(keysA.get(Role.MEMBER), "{\"prompt\": \"listed for a\"}").path("id");
        String b = submit(keysB.get(Role.MEMBER), "{\"prompt\": \"listed for b\"}").path("id");

        List<String> seenByA = as(keysA.get(Role.VIEWER)).get("/v1/jobs?limit=100").path("data.id");
        List<String> seenByB = as(keysB.get(Role.VIEWER)).get("/v1/jobs?limit=100").path("data.id");

        assertThat(seenByA).contains(a).doesNotContain(b);
        assertThat(seenByB).containsExactly(b);
        // Each job names its tenant and who submitted it; an operator lists one tenant by naming it.
        Response listedB = as(TestKeys.OPERATOR).get("/v1/jobs?limit=100&tenant=" + tenantB);
        assertThat(listedB.<List<String>>path("data.id")).containsExactly(b);
        assertThat(listedB.<String>path("data[0].tenant")).isEqualTo(tenantB);
        assertThat(listedB.<String>path("data[0].owner")).isEqualTo(TestTenants.idOf(keysB.get(Role.MEMBER)));
        assertThat(as(TestKeys.OPERATOR).get("/v1/jobs?limit=100").<List<String>>path("data.id")).contains(a, b);
        assertThat(as(keysA.get(Role.VIEWER)).get("/v1/jobs?tenant=" + tenantA).<List<String>>path("data.id")).contains(a);
        assertNotFound(as(keysA.get(Role.ADMIN)).get("/v1/jobs?tenant=" + tenantB));
    }

    @Test
    void aMemberCancelsItsOwnJobsButNotAnotherMembers() {
        String mine = submit(keysA.get(Role.MEMBER), "{\"prompt\": \"mine\"}").path("id");
        String colleague = TestTenants.key(tenantA, Role.MEMBER);
        String theirs = submit(colleague, "{\"prompt\": \"theirs\"}").path("id");

        assertThat(as(keysA.get(Role.MEMBER)).post("/v1/jobs/" + mine + "/cancel").<String>path("status"))
                .isEqualTo("canceled");
        Response refused = as(keysA.get(Role.MEMBER)).post("/v1/jobs/" + theirs + "/cancel");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.<String>path("code")).isEqualTo("forbidden");
        assertThat(as(colleague).get("/v1/jobs/" + theirs).<String>path("status")).isEqualTo("queued");
    }

    @Test
    void anUploadResolvesOnlyInItsTenantAndIsStoredUnderIt() {
        Response upload = as(keysA.get(Role.MEMBER)).contentType("image/png").body(TestImages.png(64, 64))
                .post("/v1/uploads");
        assertThat(upload.statusCode()).isEqualTo(201);
        String ref = upload.path("ref");
        String id = upload.path("id");
        assertThat(s3.headObject(h -> h.bucket(storage.bucket()).key("uploads/" + tenantA + "/" + id))).isNotNull();
        String job = "{\"kind\": \"image-to-image\", \"prompt\": \"from an upload\", \"image\": \"" + ref + "\"}";

        Response refused = submit(keysB.get(Role.MEMBER), job);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.<String>path("code")).isEqualTo("image_invalid");
        assertThat(refused.asString()).doesNotContain(tenantA);

        Response accepted = submit(keysA.get(Role.MEMBER), job);
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(worker.take(accepted.path("id")).tenant()).isEqualTo(tenantA);
    }

    @Test
    void cachedResultsAndSimilarReuseNeverCrossTenantsAndResultsLieUnderTheirTenant() {
        String prompt = "a cached circle " + UUID.randomUUID();
        String first = submit(keysA.get(Role.MEMBER), "{\"prompt\": \"" + prompt + "\", \"seed\": 3}").path("id");
        JobRequested record = worker.take(first);
        assertThat(record.tenant()).isEqualTo(tenantA);
        worker.succeed(record, 3, s3, storage.bucket());
        await().atMost(WAIT).until(() -> "succeeded".equals(as(keysA.get(Role.VIEWER)).get("/v1/jobs/" + first).path("status")));
        String url = as(keysA.get(Role.VIEWER)).get("/v1/jobs/" + first).path("output.images[0].url");
        assertThat(URI.create(url).getPath()).contains("/outputs/" + tenantA + "/" + first + "/");

        Response sameForA = submit(keysA.get(Role.ADMIN), "{\"prompt\": \"" + prompt + "\", \"seed\": 3}");
        assertThat(sameForA.<String>path("cache")).isEqualTo("hit");

        Response sameForB = submit(keysB.get(Role.MEMBER), "{\"prompt\": \"" + prompt + "\", \"seed\": 3}");
        assertThat(sameForB.statusCode()).isEqualTo(202);
        assertThat(sameForB.<String>path("cache")).isEqualTo("miss");
        assertThat(sameForB.asString()).doesNotContain(first);
        assertThat(worker.take(sameForB.path("id")).tenant()).isEqualTo(tenantB);

        Response similarForB = submit(keysB.get(Role.MEMBER), "{\"prompt\": \"" + prompt + "\", \"cache\": \"similar\"}");
        assertThat(similarForB.<String>path("cache")).isEqualTo("miss");
        JobRequested similarRecord = worker.take(similarForB.path("id"));
        assertThat(similarRecord.similar().index()).as("B's similar index is not A's").isNotEqualTo(record.similar().index());
    }

    @Test
    void anOperatorMayShareACachePoolBetweenTenants() {
        String pool = "pool-" + UUID.randomUUID().toString().substring(0, 8);
        for (String tenant : List.of(tenantA, tenantB)) {
            as(TestKeys.OPERATOR).contentType(ContentType.JSON).body("{\"cache_pool\": \"" + pool + "\"}")
                    .patch("/v1/admin/tenants/" + tenant).then().statusCode(200);
        }
        String prompt = "a shared square " + UUID.randomUUID();
        String first = submit(keysA.get(Role.MEMBER), "{\"prompt\": \"" + prompt + "\", \"seed\": 4}").path("id");
        worker.succeed(worker.take(first), 4, s3, storage.bucket());
        await().atMost(WAIT).until(() -> "succeeded".equals(as(keysA.get(Role.VIEWER)).get("/v1/jobs/" + first).path("status")));

        Response forB = submit(keysB.get(Role.MEMBER), "{\"prompt\": \"" + prompt + "\", \"seed\": 4}");
        assertThat(forB.<String>path("cache")).isEqualTo("hit");
        assertThat(forB.<String>path("cache_source.job_id")).isEqualTo(first);
    }

    @Test
    void anIdempotencyKeyNamesOnlyTheTenantsOwnJobs() {
        String key = "order-" + UUID.randomUUID();
        Response a = as(keysA.get(Role.MEMBER)).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"prompt\": \"idempotent for a\"}").post("/v1/jobs");
        Response b = as(keysB.get(Role.MEMBER)).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"prompt\": \"idempotent for b\"}").post("/v1/jobs");
        Response bAgain = as(keysB.get(Role.MEMBER)).header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body("{\"prompt\": \"idempotent for b\"}").post("/v1/jobs");

        assertThat(a.statusCode()).isEqualTo(202);
        assertThat(b.statusCode()).as("another tenant's key is not a reuse: %s", b.asString()).isEqualTo(202);
        assertThat(b.<String>path("id")).isNotEqualTo(a.path("id"));
        assertThat(bAgain.<String>path("id")).isEqualTo(b.path("id"));
    }

    private static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }

    private static Response submit(String key, String body) {
        return as(key).contentType(ContentType.JSON).body(body).post("/v1/jobs");
    }

    private static void assertNotFound(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(404);
        assertThat(response.<String>path("code")).isEqualTo("not_found");
    }
}
