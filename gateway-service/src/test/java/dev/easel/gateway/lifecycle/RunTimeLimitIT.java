package dev.easel.gateway.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A job still running {@code easel.queue.max-run-time} after its start (its worker died at the last delivery, or
 * the run hangs) fails with {@code run_timeout} and gets its cancel flag; jobs that finish in time, or have not
 * started, are left alone.
 */
@QuarkusTest
@TestProfile(RunTimeLimitIT.ShortRuns.class)
class RunTimeLimitIT {

    private static final Duration LIMIT = Duration.ofSeconds(3);

    public static class ShortRuns implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.queue.max-run-time", LIMIT.toSeconds() + "s",
                    "easel.queue.deadline-sweep-interval", "200ms");
        }
    }

    @Inject
    RedisDataSource redis;

    @Test
    void aJobRunningPastTheLimitFailsWithRunTimeoutAndItsCancelFlag() {
        try (ContractWorker worker = new ContractWorker()) {
            String silent = submit("a worker that died");
            String finished = submit("a worker that answered");
            String waiting = submit("a job nobody took");
            worker.take(silent);
            worker.take(finished);
            Instant started = Instant.now();
            worker.publish(new JobEvent.Started(silent, 5, 0, ContractWorker.WORKER_ID, started));
            worker.publish(new JobEvent.Started(finished, 1, 0, ContractWorker.WORKER_ID, started));
            worker.publish(new JobEvent.Succeeded(finished, 1, 1, ContractWorker.WORKER_ID, Instant.now(), List.of(),
                    null));
            await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(get(silent).path("status")));

            await().atMost(LIMIT.plusSeconds(20)).until(() -> "failed".equals(get(silent).path("status")));
            assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(LIMIT);
            Response failed = get(silent);
            assertThat(failed.<String>path("error.code")).isEqualTo("run_timeout");
            assertThat(failed.<Boolean>path("error.retryable")).isTrue();
            assertThat(redis.value(String.class).get(CancelFlags.key(UUID.fromString(silent)))).isEqualTo("1");

            // The worker's own late answer changes nothing any more.
            worker.publish(new JobEvent.Succeeded(silent, 5, 9, ContractWorker.WORKER_ID, Instant.now(), List.of(),
                    null));
            assertThat(get(finished).<String>path("status")).isEqualTo("succeeded");
            assertThat(get(waiting).<String>path("status")).isEqualTo("queued");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> "failed".equals(get(silent).path("status")));
        }
    }

    private static String submit(String prompt) {
        return given().contentType("application/json").body("{\"prompt\": \"" + prompt + "\"}").post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private static Response get(String id) {
        return given().get("/v1/jobs/" + id);
    }
}
