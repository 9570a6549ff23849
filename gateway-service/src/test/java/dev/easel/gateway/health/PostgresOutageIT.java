package dev.easel.gateway.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.testsupport.LocalStack;
import dev.easel.gateway.GatewayStack;
import dev.easel.testsupport.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL unreachable (every connection dropped, new ones refused, through a TCP proxy in front of the
 * machine's server): submits and reads answer 503 {@code database_unavailable} with {@code Retry-After} — never a
 * 500, never a 202 for a job that was not stored — and the gateway serves again once the database is back, with
 * every job accepted before the outage still there.
 */
@QuarkusTest
@TestProfile(PostgresOutageIT.ThroughProxy.class)
class PostgresOutageIT {

    static final TcpProxy PROXY = TcpProxy.to(LocalStack.postgresHost(), LocalStack.postgresPort());

    @Inject
    MeterRegistry registry;

    /** The local stack as for every test, with the run's database reached through {@link #PROXY}. */
    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxiedStack.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // Bound how long a request waits for a connection while none can be made, and for its commit.
            return Map.of("quarkus.datasource.jdbc.acquisition-timeout", "2S", "easel.submit.commit-timeout", "3s");
        }
    }

    /** {@link GatewayStack} with the datasource URL pointing at the proxy; it drops the database as usual. */
    public static class ProxiedStack extends GatewayStack {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("quarkus.datasource.jdbc.url", database().jdbcUrlThrough(LocalStack.HOST, PROXY.port()));
            return config;
        }
    }

    @AfterAll
    static void closeProxy() {
        PROXY.close();
    }

    @Test
    void requestsAnswer503WhileTheDatabaseIsAwayAndNothingAcceptedIsLost() {
        String run = UUID.randomUUID().toString();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Response r = submit("before the outage " + run + " " + i);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
            accepted.add(r.path("id"));
        }

        double statisticsFailuresBefore = taskFailures("queue_statistics");
        PROXY.cut();
        try {
            for (int i = 0; i < 4; i++) {
                Response r = submit("during the outage " + run + " " + i);
                assertUnavailable(r);
            }
            assertUnavailable(given().get("/v1/jobs/" + accepted.getFirst()));
            // The once-a-second queue statistics fail too; their log is throttled, the metric counts each attempt.
            // After a stall (the other test) a recount may be up to ten intervals away.
            await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
                    .until(() -> taskFailures("queue_statistics") > statisticsFailuresBefore);
        } finally {
            PROXY.restore();
        }

        // The pool replaces its dropped connections; the first requests after the outage may still meet one.
        String[] fresh = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Response r = submit("after the outage " + run);
            assertThat(r.statusCode()).as(r.asString()).isIn(202, 503);
            assertThat(r.statusCode()).isEqualTo(202);
            fresh[0] = r.path("id");
        });
        accepted.add(fresh[0]);
        for (String id : accepted) {
            Response job = given().get("/v1/jobs/" + id);
            assertThat(job.statusCode()).as(job.asString()).isEqualTo(200);
            assertThat(job.<String>path("status")).isEqualTo("queued");
        }
        // The database is this class's own: of this test's jobs it holds exactly those answered 202, none of the
        // refused (the connections were cut, so no statement can have been stored after its request failed).
        Response all = given().queryParam("limit", 100).get("/v1/jobs");
        List<Map<String, Object>> jobs = all.path("data");
        List<Object> ours = jobs.stream()
                .filter(job -> String.valueOf(((Map<?, ?>) job.get("input")).get("prompt")).contains(run))
                .map(job -> job.get("id")).toList();
        assertThat(ours).containsExactlyInAnyOrderElementsOf(accepted);
    }

    @Test
    @Timeout(60)
    void aDatabaseThatStopsAnsweringFailsTheSubmitAfterTheCommitTimeoutAndServesAgainAfterwards() {
        String run = UUID.randomUUID().toString();
        // An idle gateway: the request writes its row on its own thread, which a hung database would hold forever
        // but for the connection's network timeout.
        Response before = submit("before the stall " + run);
        assertThat(before.statusCode()).as(before.asString()).isEqualTo(202);
        PROXY.stall();
        try {
            // Answered 503 after easel.submit.commit-timeout; the statement it sent may still be carried out once
            // the database answers again (the contract of a commit timeout: retry with an Idempotency-Key).
            assertUnavailable(submit("during the stall " + run));
        } finally {
            PROXY.restore();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Response r = submit("after the stall " + run);
            assertThat(r.statusCode()).as(r.asString()).isIn(202, 503);
            assertThat(r.statusCode()).isEqualTo(202);
        });
    }

    private static Response submit(String prompt) {
        return given().contentType("application/json").body("{\"prompt\": \"" + prompt + "\"}").post("/v1/jobs");
    }

    private double taskFailures(String task) {
        return registry.get("easel_task_failures").tag("task", task).counter().count();
    }

    private static void assertUnavailable(Response r) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.<String>path("code")).isEqualTo("database_unavailable");
        assertThat(r.header("Retry-After")).isEqualTo("5");
    }
}
