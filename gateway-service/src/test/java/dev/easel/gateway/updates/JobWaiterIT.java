package dev.easel.gateway.updates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.rest.SmallWorkerPool;
import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.TestTenants;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code Prefer: wait} holds no thread while it waits ({@link JobWaiter}): with many more waiting requests than the
 * worker pool has threads, a read (a blocking endpoint) and a plain submit are answered while every wait is still
 * pending. When each wait held a worker thread, the read queued behind them for the whole wait.
 */
@QuarkusTest
@TestProfile(SmallWorkerPool.class)
class JobWaiterIT {

    private static final int WAITING_CLIENTS = 300;
    private static final int WAIT_SECONDS = 8;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void readsAndSubmitsAreAnsweredWhileThreeHundredRequestsWait() throws Exception {
        String run = UUID.randomUUID().toString();
        // Three clients of 100 waits each: one caller may have 128 requests in progress (easel.api.max-concurrent-per-caller).
        String tenant = TestTenants.create("waiters");
        List<String> clients = List.of(TestTenants.key(tenant, Role.MEMBER), TestTenants.key(tenant, Role.MEMBER),
                TestTenants.key(tenant, Role.MEMBER));
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING_CLIENTS; i++) {
            // No worker takes these jobs: each request waits its whole WAIT_SECONDS.
            waiting.add(http.sendAsync(post("{\"prompt\": \"waited for " + run + " " + i + "\"}",
                            TestTenants.bearer(clients.get(i % clients.size())))
                    .header("Prefer", "wait=" + WAIT_SECONDS).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(1_500);

        HttpResponse<String> read = http.send(HttpRequest.newBuilder(base.toURI().resolve("/v1/jobs/" + UUID.randomUUID()))
                .header("Authorization", TestKeys.operatorBearer())
                .timeout(Duration.ofSeconds(WAIT_SECONDS)).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> accepted = http.send(post("{\"prompt\": \"not waited for " + run + "\"}",
                        TestKeys.operatorBearer()).build(),
                HttpResponse.BodyHandlers.ofString());
        long stillWaiting = waiting.stream().filter(answer -> !answer.isDone()).count();

        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(stillWaiting).as("requests still waiting when the read and the submit were answered")
                .isEqualTo(WAITING_CLIENTS);
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(response.body()).contains("\"status\":\"queued\"");
        }
    }

    private HttpRequest.Builder post(String json, String bearer) throws Exception {
        URI jobs = base.toURI().resolve("/v1/jobs");
        return HttpRequest.newBuilder(jobs).header("Content-Type", "application/json")
                .header("Authorization", bearer)
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json));
    }
}
