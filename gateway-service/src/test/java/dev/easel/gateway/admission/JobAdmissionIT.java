package dev.easel.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.rest.SmallWorkerPool;
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
 * A plain job (no input images, no Idempotency-Key) is admitted on the event loop that read it
 * ({@link JobAdmission#submit}): it is accepted while every thread of the worker pool is held by requests
 * that wait for their jobs ({@code Prefer: wait}). Admitted on a worker thread, it would wait with the rest.
 */
@QuarkusTest
@TestProfile(SmallWorkerPool.class)
class JobAdmissionIT {

    private static final int WAITING_CLIENTS = SmallWorkerPool.THREADS + 8;
    private static final int WAIT_SECONDS = 6;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aPlainJobIsAcceptedWhileEveryWorkerThreadIsTaken() throws Exception {
        String run = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING_CLIENTS; i++) {
            // No worker takes these jobs: each request holds a worker thread for the whole wait.
            waiting.add(http.sendAsync(post("{\"prompt\": \"waited for " + run + " " + i + "\"}")
                    .header("Prefer", "wait=" + WAIT_SECONDS).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(1_000);
        // A blocking endpoint is not answered now: the pool is taken.
        CompletableFuture<HttpResponse<String>> read = http.sendAsync(HttpRequest.newBuilder(
                base.toURI().resolve("/v1/jobs/" + UUID.randomUUID())).GET().build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1_000);
        assertThat(read).as("a read while the worker pool is taken").isNotDone();

        HttpResponse<String> accepted = http.send(post("{\"prompt\": \"not waited for " + run + "\"}").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"status\":\"queued\"");
        assertThat(read).as("the read, still behind the waiting requests").isNotDone();
        assertThat(read.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
            assertThat(answer.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
    }

    private HttpRequest.Builder post(String json) throws Exception {
        URI jobs = base.toURI().resolve("/v1/jobs");
        return HttpRequest.newBuilder(jobs).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json));
    }
}
