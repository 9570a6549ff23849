package dev.easel.gateway.lifecycle;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.json.JsonCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An event the database refuses for its content would fail the same way on every retry: after
 * {@code easel.events.max-attempts} it is set aside, and the events behind it on its partition are applied.
 */
@QuarkusTest
@TestProfile(PoisonEventIT.FewAttempts.class)
class PoisonEventIT {

    public static class FewAttempts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.events.max-attempts", "3", "easel.events.max-backoff", "200ms");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void anEventTheDatabaseRefusesIsSetAsideAndTheEventsBehindItApply() {
        try (ContractWorker worker = new ContractWorker()) {
            String poisoned = submit("a poisoned event");
            String behind = submit("an event behind it");
            worker.take(poisoned);
            worker.take(behind);
            double rejectedBefore = registry.counter("easel_job_events_rejected").count();

            worker.publish(new JobEvent.Started(poisoned, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
            await().atMost(Duration.ofSeconds(20)).until(() -> "running".equals(status(poisoned)));
            // PostgreSQL's jsonb cannot hold the NUL character: this error can never be stored.
            worker.publish(new JobEvent.Failed(poisoned, 1, 1, ContractWorker.WORKER_ID, Instant.now(),
                    new JobError("model_error", "native library said \u0000", false)));
            // Keyed like the poisoned job's events, so on the same partition, behind it.
            worker.publishRaw(poisoned, JsonCodec.encode(
                    new JobEvent.Started(behind, 1, 0, ContractWorker.WORKER_ID, Instant.now())));
            worker.publishRaw(poisoned, JsonCodec.encode(
                    new JobEvent.Succeeded(behind, 1, 1, ContractWorker.WORKER_ID, Instant.now(), List.of(), null)));

            await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(status(behind)));
            assertThat(status(poisoned)).as("the set-aside event changed nothing").isEqualTo("running");
            assertThat(registry.counter("easel_job_events_rejected").count() - rejectedBefore).isEqualTo(1.0);
        }
    }

    private static String submit(String prompt) {
        return given().contentType("application/json").body("{\"prompt\": \"" + prompt + "\"}").post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private static String status(String id) {
        return given().get("/v1/jobs/" + id).then().statusCode(200).extract().path("status");
    }
}
