package dev.easel.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One caller holds at most {@code easel.api.max-concurrent-per-caller} requests in progress on a gateway: the next
 * one is a 429 at once, while other callers are served, and the caller is served again once its requests end.
 */
@QuarkusTest
@TestProfile(ConcurrencyLimitIT.FourAtATime.class)
class ConcurrencyLimitIT {

    public static class FourAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.api.max-concurrent-per-caller", "4");
        }
    }

    @Test
    void aCallersRequestsBeyondItsLimitAreRefusedAndOthersAreServed() throws Exception {
        String tenant = TestTenants.create("concurrency");
        String busy = TestTenants.key(tenant, Role.MEMBER);
        String other = TestTenants.key(tenant, Role.MEMBER);
        List<CompletableFuture<Response>> waiting = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            // Nothing runs jobs here: each waits its 8 s and answers 202.
            waiting.add(CompletableFuture.supplyAsync(() -> as(busy).header("Prefer", "wait=8").contentType(ContentType.JSON)
                    .body("{\"prompt\": \"a waiting job " + UUID.randomUUID() + "\"}").post("/v1/jobs"), clients));
        }
        // Once all four are in progress, the caller's next request is refused.
        Response refused = await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
                .until(() -> as(busy).get("/v1/models"), answer -> answer.statusCode() == 429);
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(429);
        assertThat(refused.<String>path("code")).isEqualTo("too_many_concurrent_requests");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(as(other).get("/v1/models").statusCode()).isEqualTo(200);
        // Event streams have limits of their own and do not count: this one gets as far as finding no such job.
        assertThat(as(busy).header("Accept", "text/event-stream").get("/v1/jobs/" + UUID.randomUUID() + "/events")
                .statusCode()).isEqualTo(404);

        for (CompletableFuture<Response> wait : waiting) {
            assertThat(wait.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
        assertThat(as(busy).get("/v1/models").statusCode()).isEqualTo(200);
        clients.shutdown();
    }

    private static RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }
}
