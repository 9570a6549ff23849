package dev.easel.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The preStop hook's {@code POST /drain} answers only once the drain is over, never blocks the event loop, and
 * drains nothing without the token.
 */
class DrainRouteTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void answersAfterTheDrainRanOnAWorkerThread() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Router router = Router.router(vertx);
        DrainRoute.mount(router, "Bearer right"::equals, () -> {
            events.add(Context.isOnEventLoopThread() ? "drain on the event loop" : "drain on a worker thread");
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add("drained");
        });
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI drain = URI.create("http://127.0.0.1:" + server.actualPort() + DrainRoute.PATH);

        for (HttpRequest refused : List.of(HttpRequest.newBuilder(drain).GET().header("Authorization", "Bearer right").build(),
                HttpRequest.newBuilder(drain).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpRequest.newBuilder(drain).POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer wrong").build())) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(refused, HttpResponse.BodyHandlers.ofString());
            events.add("refused " + response.statusCode());
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(drain)
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer right").build(),
                HttpResponse.BodyHandlers.ofString());
        events.add("answered " + response.statusCode() + " " + response.body());

        assertThat(events).containsExactly("refused 405", "refused 401", "refused 401",
                "drain on a worker thread", "drained", "answered 200 {\"drained\":true}");
    }
}
