package dev.easel.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.ManagementPort;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.JobRequested;
import dev.easel.common.event.ResultImage;
import dev.easel.common.storage.StorageKeys;
import dev.easel.gateway.identity.TestTenants;
import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.testsupport.LocalRedis;
import dev.easel.testsupport.TestKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Redis killed (SIGKILL) in the middle of a load of submits: no request fails, every job is accepted and
 * completes, readiness reports Redis as degraded while staying ready, and the cache works again once Redis is
 * back. The gateway runs against a Redis of this test's own, so the machine's Redis is never touched.
 */
@QuarkusTest
@TestProfile(RedisOutageIT.OwnRedis.class)
class RedisOutageIT {

    static final LocalRedis REDIS = LocalRedis.onFreePort();

    /** Points the gateway at {@link #REDIS}; profile overrides win over the shared test resource's Redis. */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            REDIS.start();
            return Map.of("quarkus.redis.hosts", REDIS.url(), "quarkus.redis.timeout", "1s");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    MeterRegistry registry;

    @Test
    void submitsKeepWorkingWhileRedisIsDownAndEveryJobCompletes() throws InterruptedException {
        String run = UUID.randomUUID().toString();
        ConcurrentLinkedQueue<Response> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger counter = new AtomicInteger();
        double unavailableBefore = registry.counter("easel_cache_requests", "outcome", "unavailable").count();
        try (ContractWorker worker = new ContractWorker(); ExecutorService clients = Executors.newFixedThreadPool(4)) {
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> {
                    while (!stop.get()) {
                        int n = counter.incrementAndGet();
                        answers.add(given().contentType("application/json")
                                .body("{\"prompt\": \"a red circle " + run + " " + n + "\", \"seed\": " + n + "}")
                                .post("/v1/jobs"));
                        pause(100);
                    }
                });
            }
            pause(1500);
            REDIS.kill();
            pause(500);
            JsonPath ready = given().get(ManagementPort.url("/q/health/ready")).then().extract().jsonPath();
            assertThat(ready.getString("status")).isEqualTo("UP");
            assertThat(ready.getString("checks.find { it.name == 'redis' }.data.state")).isEqualTo("degraded");
            pause(2500);
            REDIS.start();
            pause(2000);
            stop.set(true);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<Response> all = new ArrayList<>(answers);
            assertThat(all).extracting(Response::statusCode).containsOnly(202);
            assertThat(all.size()).isGreaterThan(40);
            double unavailable = registry.counter("easel_cache_requests", "outcome", "unavailable").count() - unavailableBefore;
            assertThat(unavailable).as("submits that found Redis down").isPositive();
            assertThat(all).extracting(r -> r.<String>path("cache")).contains("unavailable", "miss");

            // Play the worker for every job: all of them reached the queue and all complete.
            List<String> ids = all.stream().map(r -> r.<String>path("id")).toList();
            Map<String, List<JobRequested>> published = worker.drainAll(Duration.ofSeconds(3), WAIT);
            assertThat(published.keySet()).containsAll(ids);
            for (String id : ids) {
                worker.publish(new JobEvent.Started(id, 1, 0, ContractWorker.WORKER_ID, Instant.now()));
                worker.publish(new JobEvent.Succeeded(id, 1, 1, ContractWorker.WORKER_ID, Instant.now(), List.of(
                        new ResultImage(0, StorageKeys.output(TestKeys.OPERATOR_TENANT, id, 0), StorageKeys.thumbnail(TestKeys.OPERATOR_TENANT, id, 0), 64, 64, 1, "image/png")),
                        new JobMetrics(1L, 1L, 1L, 1L)));
            }
            await().atMost(WAIT).until(() -> ids.stream().allMatch(id ->
                    "succeeded".equals(given().get("/v1/jobs/" + id).path("status"))));
        }
        JsonPath ready = given().get(ManagementPort.url("/q/health/ready")).then().extract().jsonPath();
        assertThat(ready.getString("checks.find { it.name == 'redis' }.data.state")).isEqualTo("ok");
        Response fresh = given().contentType("application/json")
                .body("{\"prompt\": \"after the outage " + run + "\", \"seed\": 1}").post("/v1/jobs");
        assertThat(fresh.<String>path("cache")).isEqualTo("miss");
    }

    /**
     * Rate limits fail open: while Redis is down a key over its limit is let through, unchecked and counted, and
     * refused again once Redis is back.
     */
    @Test
    void aRateLimitedKeyIsLetThroughWhileRedisIsDown() {
        String tenant = TestTenants.create("redis-down");
        String key = given().contentType("application/json").body("{\"name\": \"slow\", \"role\": \"viewer\", "
                        + "\"rate_limit\": {\"per_second\": 0.001, \"burst\": 1}}")
                .post("/v1/admin/tenants/" + tenant + "/keys").then().statusCode(201).extract().<String>path("key");
        assertThat(as(key).get("/v1/me").statusCode()).isEqualTo(200);
        assertThat(as(key).get("/v1/me").statusCode()).isEqualTo(429);
        double uncheckedBefore = registry.counter("easel_rate_limit_unchecked").count();

        REDIS.kill();
        try {
            Response unchecked = as(key).get("/v1/me");
            assertThat(unchecked.statusCode()).isEqualTo(200);
            assertThat(unchecked.header("RateLimit")).isNull();
            assertThat(registry.counter("easel_rate_limit_unchecked").count()).isEqualTo(uncheckedBefore + 1);
        } finally {
            REDIS.start();
        }
        await().atMost(WAIT).until(() -> as(key).get("/v1/me").statusCode() == 429);
    }

    private static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }

    /**
     * A Redis that holds its connections and stops answering: a plain job (admitted on the event loop, with
     * non-blocking Redis commands) is still accepted once quarkus.redis.timeout (1 s here) has passed, without the
     * cache. Without a timeout of the gateway's own the request would wait as long as Redis stays silent.
     */
    @Test
    void aRedisThatStopsAnsweringCostsAPlainSubmitItsTimeoutOnly() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest submit = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/jobs"))
                .header("Authorization", TestKeys.operatorBearer())
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"while redis is silent " + UUID.randomUUID()
                        + "\", \"seed\": 5}")).build();
        REDIS.freeze(true);
        HttpResponse<String> answer;
        try {
            answer = http.send(submit, HttpResponse.BodyHandlers.ofString());
        } finally {
            REDIS.freeze(false);
        }
        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(answer.body()).contains("\"cache\":\"unavailable\"");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
