package dev.easel.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.RedisKeys;
import dev.easel.testsupport.LocalRedis;
import dev.easel.testsupport.LocalStack;
import dev.easel.testsupport.ServiceProcess;
import dev.easel.testsupport.TestDatabase;
import dev.easel.testsupport.TestKeys;
import dev.easel.testsupport.TestTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Redis SIGKILLed while clients submit to a real gateway with two real workers (all three on a Redis of this
 * test's own), then started again: no request fails, and every accepted job is generated and completes.
 */
class RedisOutageSystemIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everySubmitIsAcceptedAndEveryJobCompletesAcrossARedisOutage() throws Exception {
        LocalStack.ensureStarted();
        LocalRedis redis = LocalRedis.onFreePort().start();
        TestTopics topics = TestTopics.create();
        TestDatabase database = TestDatabase.create();
        List<ServiceProcess> services = new ArrayList<>();
        try {
            Map<String, String> common = new HashMap<>(topics.env());
            common.put("QUARKUS_REDIS_HOSTS", redis.url());
            common.put("QUARKUS_REDIS_TIMEOUT", "1s");
            Map<String, String> gatewayEnv = new HashMap<>(common);
            gatewayEnv.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
            gatewayEnv.putAll(TestKeys.gatewayEnvironment());
            ServiceProcess gateway = start("redis-outage-gateway", "gateway-service", gatewayEnv);
            services.add(gateway);
            for (int i = 1; i <= 2; i++) {
                Map<String, String> env = new HashMap<>(common);
                env.put("EASEL_WORKER_ID", "redis-outage-worker-" + i);
                env.put("EASEL_ENGINE_MODEL_DIR", LocalStack.repoRoot().resolve("models/tiny-shapes").toString());
                env.put("EASEL_ENGINE_INTRA_OP_THREADS", "1");
                env.put("EASEL_WORKER_HEARTBEAT_INTERVAL", "1s");
                services.add(start("redis-outage-worker-" + i, "worker-service", env));
            }

            ConcurrentLinkedQueue<HttpResponse<String>> answers = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger counter = new AtomicInteger();
            try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
                for (int c = 0; c < 4; c++) {
                    clients.submit(() -> {
                        while (!stop.get()) {
                            int n = counter.incrementAndGet();
                            answers.add(HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/jobs"))
                                    .header("Authorization", TestKeys.operatorBearer())
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("""
                                            {"prompt": "a green star", "steps": 2, "guidance_scale": 1, "seed": %d}""".formatted(n)))
                                    .build(), HttpResponse.BodyHandlers.ofString()));
                            Thread.sleep(250);
                        }
                        return null;
                    });
                }
                Thread.sleep(2000);
                redis.kill();
                Thread.sleep(4000);
                redis.start();
                Thread.sleep(2000);
                stop.set(true);
            }

            List<HttpResponse<String>> all = new ArrayList<>(answers);
            assertThat(all).extracting(HttpResponse::statusCode).as("no request failed").containsOnly(202);
            assertThat(all.size()).isGreaterThan(20);
            List<String> outcomes = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (HttpResponse<String> answer : all) {
                JsonNode job = JsonCodec.mapper().readTree(answer.body());
                ids.add(job.path("id").asText());
                outcomes.add(job.path("cache").asText());
            }
            assertThat(outcomes).as("some submits found Redis down, others up").contains("unavailable", "miss");
            for (String id : ids) {
                JsonNode job = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300))
                        .until(() -> get(gateway, id), j -> List.of("succeeded", "failed", "canceled", "expired")
                                .contains(j.path("status").asText()));
                assertThat(job.path("status").asText()).as("job %s", id).isEqualTo("succeeded");
                assertThat(job.path("output").path("images")).hasSize(1);
            }
            // The Redis that came back is a new process: both workers subscribed to the cancel channel again.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> subscribers(redis.port(), RedisKeys.CANCELS), n -> n == 2);
            System.out.printf("redis outage: %d submits, all 202 (%d answered while Redis was down), all succeeded%n",
                    all.size(), outcomes.stream().filter("unavailable"::equals).count());
        } finally {
            for (ServiceProcess service : services) {
                service.kill();
            }
            redis.kill();
            database.drop();
            topics.delete();
        }
    }

    private static ServiceProcess start(String name, String module, Map<String, String> env) {
        try {
            return ServiceProcess.start(name, module, env, Duration.ofSeconds(180));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code PUBSUB NUMSUB channel}, spoken in RESP over a socket of its own. */
    private static long subscribers(int port, String channel) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            String command = "*3\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n$" + channel.length() + "\r\n" + channel + "\r\n";
            socket.getOutputStream().write(command.getBytes(StandardCharsets.US_ASCII));
            BufferedReader reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = reply.readLine(); line != null; line = reply.readLine()) {
                if (line.startsWith(":")) {
                    return Long.parseLong(line.substring(1)); // *2, $len, the channel, then :count
                }
            }
            throw new IOException("no count in the reply to PUBSUB NUMSUB");
        }
    }

    private static JsonNode get(ServiceProcess gateway, String id) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(gateway.uri("/v1/jobs/" + id))
                        .header("Authorization", TestKeys.operatorBearer()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JsonCodec.mapper().readTree(answer.body());
    }
}
