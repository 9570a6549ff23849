package dev.easel.gateway.updates;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway killed between committing an event's state change and fanning it out leaves the SSE streams of every
 * replica without the update (the event, read again, is a duplicate and fans out nothing). The periodic check of
 * open streams against their rows delivers it: here the row is changed behind the fan-out's back.
 */
@QuarkusTest
@TestProfile(LostFanOutIT.QuickCheck.class)
class LostFanOutIT {

    public static class QuickCheck implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.events.stream-check-interval", "1s");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aStreamWhoseTerminalUpdateWasNeverFannedOutStillGetsItAndEnds() throws Exception {
        String id = given().contentType("application/json").body("{\"prompt\": \"a lost update\"}").post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
        SseRecorder sse = SseRecorder.open(URI.create(base + "v1/jobs/" + id + "/events"), null);
        sse.awaitEvents(1, Duration.ofSeconds(20));
        assertThat(sse.names()).containsExactly("status");

        // What applying Started and Failed committed before the gateway died, with nothing published.
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement("""
                UPDATE jobs SET status = 'failed', attempts = 1, applied_attempt = 1, applied_seq = 1,
                    started_at = now(), completed_at = now(),
                    error = '{"code": "model_error", "message": "the denoiser produced NaN", "retryable": false}'
                WHERE id = CAST(? AS uuid)""")) {
            update.setString(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(sse.awaitEnd(Duration.ofSeconds(20))).isEqualTo(200);
        assertThat(sse.names()).containsExactly("status", "failed");
        assertThat(sse.events().getLast().id()).isEqualTo("1.1.0");
    }
}
