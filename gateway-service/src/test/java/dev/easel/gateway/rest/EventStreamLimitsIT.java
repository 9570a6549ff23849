package dev.easel.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.TestTenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Event streams are capped: a tenant holds at most {@code easel.events.max-streams-per-tenant} on a gateway (429
 * beyond), a gateway at most {@code easel.events.max-streams} (503 beyond); a stream that ends frees its place.
 */
@QuarkusTest
@TestProfile(EventStreamLimitsIT.FewStreams.class)
class EventStreamLimitsIT {

    public static class FewStreams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("easel.events.max-streams", "3", "easel.events.max-streams-per-tenant", "2");
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;

    @Test
    void aTenantAndTheGatewayHoldOnlySoManyStreams() throws Exception {
        String a = TestTenants.key(TestTenants.create("streams-a"), Role.MEMBER);
        String b = TestTenants.key(TestTenants.create("streams-b"), Role.MEMBER);
        List<InputStream> open = new ArrayList<>();
        try {
            open.add(expect(stream(a, submit(a)), 200));
            InputStream closesLater = expect(stream(a, submit(a)), 200);
            expectProblem(stream(a, submit(a)), 429);
            open.add(expect(stream(b, submit(b)), 200));
            expectProblem(stream(b, submit(b)), 503);

            // A client that hangs up frees its place once the gateway notices, at its next write (a keep-alive
            // goes out every 15 s).
            closesLater.close();
            String another = submit(a);
            HttpResponse<InputStream> waiting = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(75).toNanos();
            while (System.nanoTime() < deadline) {
                waiting = stream(a, another);
                if (waiting.statusCode() == 200) {
                    break;
                }
                waiting.body().close();
                Thread.sleep(500);
            }
            assertThat(waiting.statusCode()).as("a place freed by a client that left").isEqualTo(200);
            open.add(waiting.body());
        } finally {
            for (InputStream in : open) {
                in.close();
            }
        }
    }

    private static InputStream expect(HttpResponse<InputStream> answer, int status) {
        assertThat(answer.statusCode()).isEqualTo(status);
        return answer.body();
    }

    private static void expectProblem(HttpResponse<InputStream> answer, int status) throws Exception {
        try (InputStream in = answer.body()) {
            String body = new String(in.readAllBytes());
            assertThat(answer.statusCode()).as(body).isEqualTo(status);
            assertThat(body).contains("\"code\":\"too_many_streams\"");
        }
    }

    private String submit(String key) {
        return given().header("Authorization", TestTenants.bearer(key)).contentType(ContentType.JSON)
                .body("{\"prompt\": \"a streamed job " + UUID.randomUUID() + "\"}").post("/v1/jobs")
                .then().statusCode(202).extract().path("id");
    }

    private HttpResponse<InputStream> stream(String key, String job) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "v1/jobs/" + job + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", TestTenants.bearer(key))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
