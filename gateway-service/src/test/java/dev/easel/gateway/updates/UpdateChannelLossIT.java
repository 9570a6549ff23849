package dev.easel.gateway.updates;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.testsupport.LocalRedis;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica whose subscription to the update channel is cut while a job ends: the terminal update goes by on
 * the channel unheard, and once the replica has subscribed again its open stream of that job still ends, with
 * the terminal event. The gateway runs against a Redis of this test's own, whose subscribers the test cuts.
 */
@QuarkusTest
@TestProfile(UpdateChannelLossIT.OwnRedis.class)
class UpdateChannelLossIT {

    static final LocalRedis REDIS = LocalRedis.onFreePort();

    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            REDIS.start();
            return Map.of("quarkus.redis.hosts", REDIS.url());
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL base;

    @Inject
    RedisDataSource redis;

    @Test
    void aStreamWhoseTerminalUpdateWentByUnheardStillEnds() {
        try (ContractWorker worker = new ContractWorker()) {
            String id = given().contentType("application/json").body("{\"prompt\": \"a yellow circle\"}")
                    .post("/v1/jobs").path("id");
            worker.take(id);
            worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
            await().atMost(WAIT).until(() -> "running".equals(given().get("/v1/jobs/" + id).path("status")));
            SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
            await().atMost(WAIT).until(() -> !sse.events().isEmpty());

            // Cut every subscriber of this Redis (the gateway's channel; it subscribes again after a second), and
            // end the job within that second.
            redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
            worker.publish(new JobEvent.Failed(id, 1, 1, ContractWorker.WORKER_ID, Instant.now(),
                    new JobError("model_error", "the denoiser produced NaN", false)));

            assertThat(sse.awaitEnd(WAIT)).isEqualTo(200);
            assertThat(sse.names().getLast()).isEqualTo("failed");
        }
    }
}
