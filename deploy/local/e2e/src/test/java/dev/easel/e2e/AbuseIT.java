package dev.easel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.testsupport.LocalStack;
import dev.easel.testsupport.ServiceProcess;
import dev.easel.testsupport.TestDatabase;
import dev.easel.testsupport.TestKeys;
import dev.easel.testsupport.TestTopics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A bounded abuse suite against the packaged gateway (with the heap and collector it is deployed with) and a
 * packaged worker: JSON bombs and nesting, outpaint extents, hundreds of waiting and trickling clients, multipart
 * floods and tampered cursors. Every answer is below 500, health and a normal submit answer within a second while
 * the gateway is under siege, and neither process runs out of memory. Their heap use, read from the management port
 * every 100 ms, is printed: the peak of used heap (ZGC lets it grow toward the limit before it collects, so it says
 * little of what is retained) and the peak of live data after a collection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbuseIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final long HEAP_LIMIT = 1024L * 1024 * 1024; // -Xmx1g, as deployed (ServiceProcess)
    private static final int WAITING = 300;
    private static final int TRICKLING = 100;

    private static TestTopics topics;
    private static TestDatabase database;
    private static ServiceProcess gateway;
    private static ServiceProcess worker;
    private static HeapPeak gatewayHeap;
    private static HeapPeak workerHeap;
    private static final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
    /** Jobs queued by the siege, by the key that may cancel them: canceled before a worker starts. */
    private static final Map<String, String> queued = new ConcurrentHashMap<>();

    @BeforeAll
    static void startGateway() throws Exception {
        LocalStack.ensureStarted();
        topics = TestTopics.create();
        database = TestDatabase.create();
        Map<String, String> env = new HashMap<>(topics.env());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.putAll(TestKeys.gatewayEnvironment());
        gateway = ServiceProcess.start("abuse-gateway", "gateway-service", env, Duration.ofSeconds(180));
        gatewayHeap = new HeapPeak(gateway);
    }

    @AfterAll
    static void stopAndReport() throws Exception {
        try {
            if (gatewayHeap != null) {
                gatewayHeap.close();
                gatewayHeap.report("gateway");
                assertThat(gateway.isAlive()).isTrue();
                assertThat(gateway.log()).doesNotContain("OutOfMemoryError");
            }
            if (workerHeap != null) {
                workerHeap.close();
                workerHeap.report("worker");
                assertThat(worker.isAlive()).isTrue();
                assertThat(worker.log()).doesNotContain("OutOfMemoryError");
            }
            assertThat(serverErrors).as("answers of 500 or above").isEmpty();
        } finally {
            for (ServiceProcess process : new ServiceProcess[] {worker, gateway}) {
                if (process != null) {
                    process.close();
                }
            }
            if (database != null) {
                database.drop();
            }
            if (topics != null) {
                topics.delete();
            }
        }
    }

    @Test
    @Order(1)
    void jsonBombsAndDeepNestingAreRefusedWithoutEchoes() throws Exception {
        StringBuilder bomb = new StringBuilder(31 * 1024 * 1024).append("{\"prompt\": \"x\", \"metadata\": [");
        while (bomb.length() < 30 * 1024 * 1024) {
            bomb.append("{},");
        }
        bomb.append("{}]}");
        assertRefused(post(bomb.toString(), TestKeys.OPERATOR, null), 400);
        assertRefused(post("{\"prompt\": \"x\", \"metadata\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                TestKeys.OPERATOR, null), 400);
        assertRefused(post("{\"prompt\": \"x\", \"metadata\": " + "{\"a\": ".repeat(9) + "1" + "}".repeat(9) + "}",
                TestKeys.OPERATOR, null), 400);
        StringBuilder unknown = new StringBuilder("{\"prompt\": \"x\"");
        for (int i = 0; i < 2_000; i++) {
            unknown.append(", \"").append("u".repeat(200)).append(i).append("\": 1");
        }
        HttpResponse<String> refused = post(unknown.append('}').toString(), TestKeys.OPERATOR, null);
        assertRefused(refused, 400);
        assertThat(refused.body().length()).as("the answer echoes no field name").isLessThan(2_000);
    }

    @Test
    @Order(2)
    void outpaintExtentsBeyondTheModelAreRefused() throws Exception {
        String image = dataUrl(png(square(64, 64, Color.GRAY)));
        for (long extent : new long[] {1_073_741_824L, 12_000, 4 * 256}) {
            assertRefused(post("""
                    {"kind": "outpaint", "prompt": "grown", "image": "%s", "width": 64, "height": 64,
                     "outpaint": {"left": %d, "right": %d, "top": 0, "bottom": 0}}""".formatted(image, extent, extent),
                    TestKeys.OPERATOR, null), 400);
        }
    }

    @Test
    @Order(3)
    void healthAndASubmitAnswerWithinASecondWhileHundredsWaitAndTrickle() throws Exception {
        String tenant = createTenant();
        List<String> keys = List.of(key(tenant), key(tenant), key(tenant));
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            // No worker runs yet: every wait lasts its 10 s.
            waits.add(HTTP.sendAsync(request("/v1/jobs", keys.get(i % keys.size()))
                    .header("Content-Type", "application/json").header("Prefer", "wait=10")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"waiting " + UUID.randomUUID() + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        // Both paths once before the siege: the first readiness check opens its clients, the first submit its paths.
        HTTP.send(HttpRequest.newBuilder(gateway.managementUri("/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        queued.put(JsonCodec.mapper().readTree(post("{\"prompt\": \"before the siege\"}", TestKeys.OPERATOR, null).body())
                .path("id").asText(), TestKeys.OPERATOR);
        List<Socket> trickling = new ArrayList<>();
        byte[] upload = png(noise(256, 256));
        try {
            for (int i = 0; i < TRICKLING; i++) {
                Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort());
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/uploads HTTP/1.1\r\nHost: easel\r\nContent-Type: image/png\r\nAuthorization: "
                        + TestKeys.operatorBearer() + "\r\nContent-Length: " + upload.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(upload, 0, upload.length / 2);
                out.flush();
                trickling.add(socket);
            }
            Thread.sleep(1_500);

            long start = System.nanoTime();
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(gateway.managementUri("/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long healthMs = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            HttpResponse<String> submit = post("{\"prompt\": \"a normal job " + UUID.randomUUID() + "\"}", TestKeys.OPERATOR, null);
            long submitMs = (System.nanoTime() - start) / 1_000_000;
            queued.put(JsonCodec.mapper().readTree(submit.body()).path("id").asText(), TestKeys.OPERATOR);
            long pending = waits.stream().filter(w -> !w.isDone()).count();
            System.out.printf("abuse suite: under %d waits and %d trickled uploads, health answered in %d ms, a submit in %d ms%n",
                    pending, trickling.size(), healthMs, submitMs);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(healthMs).as("health, ms").isLessThan(1_000);
            assertThat(submit.statusCode()).isEqualTo(202);
            assertThat(submitMs).as("submit, ms").isLessThan(1_000);
            assertThat(pending).as("waits still pending meanwhile").isEqualTo(WAITING);
        } finally {
            for (Socket socket : trickling) {
                socket.close();
            }
        }
        for (int i = 0; i < WAITING; i++) {
            HttpResponse<String> answer = waits.get(i).get(60, TimeUnit.SECONDS);
            record(answer);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            queued.put(JsonCodec.mapper().readTree(answer.body()).path("id").asText(), keys.get(i % keys.size()));
        }
    }

    @Test
    @Order(4)
    void multipartFloodsAreRefusedBeforeTheyAreParsed() throws Exception {
        StringBuilder form = new StringBuilder();
        form.append("--flood\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{\"prompt\": \"flood\"}\r\n");
        for (int i = 0; i < 10_000; i++) {
            form.append("--flood\r\nContent-Disposition: form-data; name=\"f").append(i)
                    .append("\"; filename=\"f.png\"\r\nContent-Type: image/png\r\n\r\n").append("x".repeat(64)).append("\r\n");
        }
        byte[] body = form.append("--flood--\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        List<CompletableFuture<HttpResponse<String>>> floods = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            floods.add(HTTP.sendAsync(request("/v1/jobs", TestKeys.OPERATOR)
                    .header("Content-Type", "multipart/form-data; boundary=flood")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> flood : floods) {
            assertRefused(flood.get(60, TimeUnit.SECONDS), 400);
        }
    }

    @Test
    @Order(5)
    void tamperedCursorsAreRefused() throws Exception {
        // Well-formed positions without a seal (what cursors were before they were sealed) and noise.
        for (String position : List.of("99999999999999:0:" + UUID.randomUUID(), "0:0:" + UUID.randomUUID(), "s:9223372036854775807")) {
            String unsealed = Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
            assertRefused(HTTP.send(request("/v1/jobs?cursor=" + unsealed, TestKeys.OPERATOR).build(),
                    HttpResponse.BodyHandlers.ofString()), 400);
        }
        Random random = new Random(5);
        for (int i = 0; i < 50; i++) {
            byte[] noise = new byte[1 + random.nextInt(60)];
            random.nextBytes(noise);
            String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(noise)
                    + (i % 2 == 0 ? "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]) : "");
            assertRefused(HTTP.send(request("/v1/jobs?cursor=" + cursor, TestKeys.OPERATOR).build(),
                    HttpResponse.BodyHandlers.ofString()), 400);
            assertRefused(HTTP.send(request("/v1/audit?tenant=" + TestKeys.OPERATOR_TENANT + "&cursor=" + cursor,
                    TestKeys.OPERATOR).build(), HttpResponse.BodyHandlers.ofString()), 400);
        }
    }

    @Test
    @Order(6)
    void aWorkerRunsTheLargestJobsTheModelAllowsWithinItsHeap() throws Exception {
        // The siege's jobs would run first: cancel them.
        for (Map.Entry<String, String> job : queued.entrySet()) {
            HttpResponse<String> canceled = HTTP.send(request("/v1/jobs/" + job.getKey() + "/cancel", job.getValue())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            record(canceled);
            assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(200);
        }
        Map<String, String> env = new HashMap<>(topics.env());
        env.put("EASEL_WORKER_ID", "abuse-worker");
        env.put("EASEL_ENGINE_MODEL_DIR", LocalStack.repoRoot().resolve("models/tiny-shapes").toString());
        worker = ServiceProcess.start("abuse-worker", "worker-service", env, Duration.ofSeconds(180));
        workerHeap = new HeapPeak(worker);
        String image = dataUrl(png(noise(64, 64)));
        String outpaint = """
                {"kind": "outpaint", "prompt": "the largest canvas", "image": "%s", "num_images": 4, "steps": 8,
                 "outpaint": {"left": 96, "right": 96, "top": 96, "bottom": 96}, "seed": 1}""".formatted(image);
        JsonNode job = JsonCodec.mapper().readTree(post(outpaint, TestKeys.OPERATOR, null).body());
        String id = job.path("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        while (System.nanoTime() < deadline && !List.of("succeeded", "failed").contains(job.path("status").asText())) {
            Thread.sleep(500);
            HttpResponse<String> read = HTTP.send(request("/v1/jobs/" + id, TestKeys.OPERATOR).build(),
                    HttpResponse.BodyHandlers.ofString());
            record(read);
            job = JsonCodec.mapper().readTree(read.body());
        }
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.path("output").path("images")).hasSize(4);
    }

    // --- helpers ----------------------------------------------------------------------------------------

    private static void assertRefused(HttpResponse<String> answer, int status) {
        record(answer);
        assertThat(answer.statusCode()).as(answer.body().length() > 300 ? answer.body().substring(0, 300) : answer.body())
                .isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    private static void record(HttpResponse<String> answer) {
        if (answer.statusCode() >= 500) {
            serverErrors.add(answer.statusCode() + " " + answer.uri() + ": " + answer.body());
        }
    }

    private static HttpResponse<String> post(String json, String key, String prefer) throws Exception {
        HttpRequest.Builder request = request("/v1/jobs", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        record(answer);
        return answer;
    }

    private static HttpRequest.Builder request(String path, String key) {
        return HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(60));
    }

    private static String createTenant() throws Exception {
        String id = "abuse-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = HTTP.send(request("/v1/admin/tenants", TestKeys.OPERATOR)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return id;
    }

    private static String key(String tenant) throws Exception {
        HttpResponse<String> created = HTTP.send(request("/v1/admin/tenants/" + tenant + "/keys", TestKeys.OPERATOR)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"siege\", \"role\": \"member\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonCodec.mapper().readTree(created.body()).path("key").asText();
    }

    private static BufferedImage square(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** The largest heap use a service reports on its management port, read every 100 ms until closed. */
    private static final class HeapPeak implements AutoCloseable {

        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong livePeak = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        HeapPeak(ServiceProcess service) {
            URI metrics = service.managementUri("/q/metrics");
            sampler = Thread.ofPlatform().daemon().name("heap-" + service.name()).start(() -> {
                while (running) {
                    try {
                        String text = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        long used = text.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                        long live = text.lines().filter(l -> l.startsWith("jvm_gc_live_data_size_bytes"))
                                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                        peak.accumulateAndGet(used, Math::max);
                        livePeak.accumulateAndGet(live, Math::max);
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // a busy moment; the next sample counts
                    }
                }
            });
        }

        /** Prints the peaks and checks that the sampler read any. */
        void report(String name) {
            System.out.printf("abuse suite: %s heap: used at most %d MiB, live data after a collection at most %d MiB, of %d MiB%n",
                    name, peak.get() >> 20, livePeak.get() >> 20, HEAP_LIMIT >> 20);
            assertThat(peak.get()).as("heap samples of the " + name).isPositive();
            // What survives a collection is what the siege made the service keep: well within the heap.
            assertThat(livePeak.get()).as("live heap of the " + name).isPositive().isLessThan(HEAP_LIMIT / 2);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.interrupt();
            sampler.join(5_000);
        }
    }
}
