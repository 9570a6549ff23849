package dev.easel.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The system as it runs: the packaged gateway and two packaged workers as separate processes on real Kafka,
 * PostgreSQL, Redis and S3, driven only through the public HTTP API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int LOCK_MS = 5000;

    private static TestTopics topics;
    private static TestDatabase database;
    private static ServiceProcess gateway;
    private static final List<ServiceProcess> workers = new ArrayList<>();

    @BeforeAll
    static void startSystem() throws Exception {
        LocalStack.ensureStarted();
        topics = TestTopics.create();
        // A short acquisition lock so a killed worker's job moves on within seconds, not the default 30.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalStack.kafkaBootstrap()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, topics.workerGroup()),
                    List.of(new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms", Integer.toString(LOCK_MS)),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        database = TestDatabase.create();
        Map<String, String> gatewayEnv = new HashMap<>(topics.env());
        gatewayEnv.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        gatewayEnv.putAll(TestKeys.gatewayEnvironment());
        CompletableFuture<ServiceProcess> gw = CompletableFuture.supplyAsync(() -> start("gateway", "gateway-service", gatewayEnv));
        List<CompletableFuture<ServiceProcess>> ws = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Map<String, String> env = new HashMap<>(topics.env());
            env.put("EASEL_WORKER_ID", "e2e-worker-" + i);
            env.put("EASEL_ENGINE_MODEL_DIR", LocalStack.repoRoot().resolve("models/tiny-shapes").toString());
            env.put("EASEL_ENGINE_INTRA_OP_THREADS", "1");
            env.put("EASEL_WORKER_RENEW_INTERVAL", "1s");
            env.put("EASEL_WORKER_HEARTBEAT_INTERVAL", "1s");
            env.put("EASEL_WORKER_SHUTDOWN_GRACE", "60s");
            int n = i;
            ws.add(CompletableFuture.supplyAsync(() -> start("worker-" + n, "worker-service", env)));
        }
        gateway = gw.join();
        ws.forEach(w -> workers.add(w.join()));
    }

    /** A request to the gateway's API, with the test operator key. */
    private static HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", TestKeys.operatorBearer());
    }

    private static ServiceProcess start(String name, String module, Map<String, String> env) {
        try {
            return ServiceProcess.start(name, module, env, Duration.ofSeconds(180));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopSystem() throws Exception {
        for (ServiceProcess w : workers) {
            w.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.drop();
        }
        if (topics != null) {
            topics.delete();
        }
    }

    @Test
    void textToImageReturnsARealImageOfTheRequestedSizeWithItsParameters() throws Exception {
        JsonNode job = submitAndWait("""
                {"prompt": "a large blue square on a white background", "width": 64, "height": 64, "seed": 5, "num_images": 2}""");
        assertThat(job.path("status").asText()).isEqualTo("succeeded");
        assertThat(job.path("output").path("images")).hasSize(2);
        for (JsonNode image : job.path("output").path("images")) {
            byte[] png = fetch(image.path("url").asText());
            assertThat(size(png)).containsExactly(64, 64);
            assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("parameters").contains("a large blue square");
            assertThat(ImageIO.read(new ByteArrayInputStream(fetch(image.path("thumbnail_url").asText())))).isNotNull();
        }
        assertThat(job.path("output").path("images").get(1).path("seed").asLong()).isEqualTo(6);
        assertThat(job.path("metrics").path("inference_ms").asLong()).isPositive();
    }

    @Test
    void imageToImageWorksFromAnUpload() throws Exception {
        HttpResponse<String> upload = HTTP.send(api("/v1/uploads")
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png(square(64, 64, Color.RED))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(201);
        String id = JsonCodec.mapper().readTree(upload.body()).path("id").asText();
        JsonNode job = submitAndWait("""
                {"kind": "image-to-image", "prompt": "a green circle", "image": "upload:%s", "strength": 0.6, "seed": 1}"""
                .formatted(id));
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        byte[] output = fetch(job.path("output").path("images").get(0).path("url").asText());
        assertThat(size(output)).containsExactly(64, 64);
        // Whoever holds the output learns nothing that reads the input: no reference, no hash.
        String text = new String(output, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("parameters").contains("an input image").doesNotContain(id).doesNotContain("upload:");
    }

    @Test
    void imageToImageWorksFromAnInlineImageOfTensOfKilobytes() throws Exception {
        // Noise does not compress: the data URL is ~37 KB, above the 10 KiB where such bodies once reached the
        // gateway's endpoint as zeros.
        BufferedImage noise = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(96);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        String image = dataUrl(png(noise));
        assertThat(image.length()).isGreaterThan(32 * 1024);
        JsonNode job = submitAndWait("""
                {"kind": "image-to-image", "prompt": "a blue circle", "image": "%s", "strength": 0.7, "seed": 2}"""
                .formatted(image));
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(size(fetch(job.path("output").path("images").get(0).path("url").asText()))).containsExactly(96, 96);
    }

    @Test
    void inpaintingRepaintsTheMaskedRegion() throws Exception {
        BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = mask.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(24, 24, 16, 16);
        g.dispose();
        JsonNode job = submitAndWait("""
                {"kind": "inpaint", "prompt": "a yellow star", "image": "%s", "mask": "%s", "inpaint_area": "masked", "seed": 3}"""
                .formatted(dataUrl(png(square(64, 64, Color.BLUE))), dataUrl(png(mask))));
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(size(fetch(job.path("output").path("images").get(0).path("url").asText()))).containsExactly(64, 64);
    }

    @Test
    void outpaintingGrowsTheCanvas() throws Exception {
        JsonNode job = submitAndWait("""
                {"kind": "outpaint", "prompt": "a red circle on a gray background", "image": "%s",
                 "outpaint": {"left": 16, "right": 16, "top": 0, "bottom": 8}, "seed": 4}"""
                .formatted(dataUrl(png(square(64, 64, Color.GRAY)))));
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(size(fetch(job.path("output").path("images").get(0).path("url").asText()))).containsExactly(96, 72);
    }

    @Test
    void theLaunchersVerifyCommandChecksTheCallLog() throws Exception {
        HTTP.send(api("/v1/models").build(), HttpResponse.BodyHandlers.discarding());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> JsonCodec.mapper()
                .readTree(HTTP.send(api("/v1/audit?limit=1").build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("data").size() == 1);
        ProcessBuilder verify = new ProcessBuilder(LocalStack.repoRoot().resolve("deploy/local/easel").toString(),
                "verify-calls", TestKeys.OPERATOR_TENANT).redirectErrorStream(true);
        verify.environment().put("EASEL_URL", gateway.uri("").toString().replaceAll("/$", ""));
        verify.environment().put("EASEL_API_KEY", TestKeys.OPERATOR);
        Process process = verify.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        JsonNode verified = JsonCodec.mapper().readTree(output);
        assertThat(verified.path("intact").asBoolean()).isTrue();
        assertThat(verified.path("tenant").asText()).isEqualTo(TestKeys.OPERATOR_TENANT);
        assertThat(verified.path("checked").asLong()).isPositive();
    }

    @Test
    void theModelListComesFromTheWorkersHeartbeats() {
        JsonNode models = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> answer = HTTP.send(api("/v1/models").build(),
                    HttpResponse.BodyHandlers.ofString());
            return JsonCodec.mapper().readTree(answer.body());
        }, m -> m.path("data").path(0).path("source").asText().equals("workers"));
        JsonNode model = models.path("data").path(0);
        assertThat(model.path("id").asText()).isEqualTo("tiny-shapes");
        assertThat(model.path("kinds")).extracting(JsonNode::asText)
                .contains("text-to-image", "image-to-image", "inpaint", "outpaint");
        assertThat(model.path("limits").path("max_width").asInt()).isEqualTo(256);
    }

    @Test
    @Order(Integer.MAX_VALUE - 2)
    void aJobOfAWorkerStoppedWithTooLittleGraceIsReleasedAndCompletedElsewhere() throws Exception {
        Map<String, String> env = new HashMap<>(topics.env());
        env.put("EASEL_WORKER_ID", "e2e-worker-short-grace");
        env.put("EASEL_ENGINE_MODEL_DIR", LocalStack.repoRoot().resolve("models/tiny-shapes").toString());
        env.put("EASEL_ENGINE_INTRA_OP_THREADS", "1");
        env.put("EASEL_WORKER_RENEW_INTERVAL", "1s");
        env.put("EASEL_WORKER_HEARTBEAT_INTERVAL", "1s");
        env.put("EASEL_WORKER_SHUTDOWN_GRACE", "1s");
        ServiceProcess shortGrace = start("worker-short-grace", "worker-service", env);
        List<String> ids = new ArrayList<>();
        try {
            // Jobs until the short-grace worker holds one: whichever free slot polls first takes the next job.
            for (int i = 0; i < 12 && !isBusy(shortGrace); i++) {
                HttpResponse<String> submitted = post("""
                        {"prompt": "a gray square", "width": 192, "height": 192, "steps": 100, "seed": %d}""".formatted(50 + i), null);
                ids.add(JsonCodec.mapper().readTree(submitted.body()).path("id").asText());
                Thread.sleep(1500);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> isBusy(shortGrace));
            long stopping = System.nanoTime();
            shortGrace.close();
            assertThat(shortGrace.isAlive()).isFalse();
            System.out.printf("short-grace worker stopped in %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
        } finally {
            // Never leave the extra worker running when an assertion above fails.
            shortGrace.kill();
        }
        for (String id : ids) {
            JsonNode job = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(id), j -> isTerminal(j.path("status").asText()));
            assertThat(job.path("status").asText()).isEqualTo("succeeded");
            assertThat(job.path("output").path("images")).hasSize(1);
        }
        assertThat(ids.stream().map(id -> {
            try {
                return get(id).path("attempts").asInt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).as("the released job ran again elsewhere").anyMatch(attempts -> attempts >= 2);
    }

    private static boolean isBusy(ServiceProcess worker) throws Exception {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(worker.managementUri("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : JsonCodec.mapper().readTree(ready.body()).path("checks")) {
            if (check.path("name").asText().equals("job-slots") && check.path("data").path("busy").asInt() > 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void aJobWhoseWorkerIsKilledFinishesOnTheOtherWorker() throws Exception {
        HttpResponse<String> submitted = post("""
                {"prompt": "a purple triangle", "width": 256, "height": 256, "steps": 150, "seed": 9}""", null);
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = JsonCodec.mapper().readTree(submitted.body()).path("id").asText();
        ServiceProcess busy = await().atMost(Duration.ofSeconds(60)).until(this::busyWorker, w -> w != null);
        busy.kill();
        JsonNode job = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(id), j -> j.path("status").asText().equals("succeeded"));
        assertThat(job.path("attempts").asInt()).isEqualTo(2);
        assertThat(size(fetch(job.path("output").path("images").get(0).path("url").asText()))).containsExactly(256, 256);
        workers.remove(busy);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aWorkerStoppedGracefullyFinishesItsJobFirst() throws Exception {
        HttpResponse<String> submitted = post("""
                {"prompt": "an orange star", "width": 192, "height": 192, "steps": 100, "seed": 10}""", null);
        String id = JsonCodec.mapper().readTree(submitted.body()).path("id").asText();
        ServiceProcess busy = await().atMost(Duration.ofSeconds(60)).until(this::busyWorker, w -> w != null);
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                busy.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.join(Duration.ofSeconds(90));
        assertThat(busy.isAlive()).as("the worker exits after its job").isFalse();
        JsonNode job = get(id);
        assertThat(job.path("status").asText()).isEqualTo("succeeded");
        assertThat(job.path("attempts").asInt()).as("finished by the worker that was stopping").isEqualTo(1);
        workers.remove(busy);
    }

    private ServiceProcess busyWorker() throws Exception {
        for (ServiceProcess w : workers) {
            if (isBusy(w)) {
                return w;
            }
        }
        return null;
    }

    @Test
    void twoHundredJobsOverTwoWorkersAllSucceedOnceWithNoSlotIdleWhileJobsWait() throws Exception {
        warmUpEveryWorker();
        List<Map<String, Double>> before = new ArrayList<>();
        for (ServiceProcess worker : workers) {
            before.add(metrics(worker));
        }
        List<String> ids = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<CompletableFuture<String>> submits = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String body = "{\"prompt\": \"a red circle\", \"steps\": 2, \"guidance_scale\": 1, \"seed\": " + (1000 + i) + "}";
                submits.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        HttpResponse<String> answer = post(body, null);
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                        return JsonCodec.mapper().readTree(answer.body()).path("id").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            submits.forEach(f -> ids.add(f.join()));
        }
        for (String id : ids) {
            JsonNode job = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                    .until(() -> get(id), j -> isTerminal(j.path("status").asText()));
            assertThat(job.path("status").asText()).isEqualTo("succeeded");
            assertThat(job.path("attempts").asInt()).as("ran once").isEqualTo(1);
            assertThat(job.path("output").path("images")).hasSize(1);
        }
        double ranTotal = 0;
        double waits = 0;
        double waitsWithin100ms = 0;
        double waitsWithin10ms = 0;
        double waitsWithin1s = 0;
        for (int w = 0; w < workers.size(); w++) {
            Map<String, Double> after = metrics(workers.get(w));
            double ran = delta(after, before.get(w), "easel_worker_jobs_total{outcome=\"succeeded\"");
            assertThat(ran).as("worker %d did work", w + 1).isPositive();
            ranTotal += ran;
            waits += delta(after, before.get(w), "easel_worker_idle_slot_wait_seconds_count");
            waitsWithin100ms += delta(after, before.get(w), "easel_worker_idle_slot_wait_seconds_bucket{le=\"0.1\"");
            waitsWithin10ms += delta(after, before.get(w), "easel_worker_idle_slot_wait_seconds_bucket{le=\"0.01\"");
            waitsWithin1s += delta(after, before.get(w), "easel_worker_idle_slot_wait_seconds_bucket{le=\"1.0\"");
        }
        assertThat(ranTotal).as("none ran twice").isEqualTo(200);
        assertThat(waits).isEqualTo(200);
        // The goal: no job waits more than 100 ms in the queue while a slot is free. That is a latency target, and
        // here two cores run both workers' inference, the gateway, Kafka, PostgreSQL and this test at once: one
        // fresh-clone run in five had a single job of 200 wait 325 ms. bench-system reports the goal itself (every
        // wait, goal: all within 100 ms). What
        // this test holds the system to is the queue semantics behind it: a fault such as a busy slot holding a
        // record another slot could run, or a free slot not fetching, makes a large share of the jobs wait a whole
        // job or a fetch timeout, so at most 1 % may miss 100 ms and none may wait a second.
        System.out.printf("idle-slot waits: <= 10 ms %.0f, <= 100 ms %.0f, <= 1 s %.0f of %.0f%n",
                waitsWithin10ms, waitsWithin100ms, waitsWithin1s, waits);
        for (ServiceProcess worker : workers) {
            // The worker logs each wait over 100 ms with its parts (queued for, slot free for): shown for the note.
            worker.log().lines().filter(line -> line.contains("in the queue while slot")).forEach(System.out::println);
        }
        String waited = "jobs that waited while a slot was free: <= 10 ms %s, <= 100 ms %s, <= 1 s %s of %s"
                .formatted(waitsWithin10ms, waitsWithin100ms, waitsWithin1s, waits);
        assertThat(waitsWithin1s).as(waited).isEqualTo(waits);
        assertThat(waitsWithin100ms).as(waited).isGreaterThanOrEqualTo(waits * 0.99);
    }

    /**
     * Runs short jobs until every worker has run one. The first record a share consumer acquires after joining
     * the group takes 60-190 ms to reach it (broker side: measured with a bare KafkaShareConsumer against this
     * broker, once per consumer); the idle-slot goal is about the queue in steady operation, so the measured
     * jobs start after it.
     */
    private void warmUpEveryWorker() throws Exception {
        List<Map<String, Double>> start = new ArrayList<>();
        for (ServiceProcess worker : workers) {
            start.add(metrics(worker));
        }
        for (int batch = 0; batch < 10; batch++) {
            boolean everyWorkerRan = true;
            for (int w = 0; w < workers.size(); w++) {
                everyWorkerRan &= delta(metrics(workers.get(w)), start.get(w), "easel_worker_jobs_total{outcome=\"succeeded\"") > 0;
            }
            if (everyWorkerRan) {
                return;
            }
            List<CompletableFuture<JsonNode>> warmUps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String body = "{\"prompt\": \"a red square\", \"steps\": 2, \"guidance_scale\": 1, \"seed\": " + (900 + batch * 4 + i) + "}";
                warmUps.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return submitAndWait(body);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            warmUps.forEach(CompletableFuture::join);
        }
        throw new IllegalStateException("the workers did not all run a warm-up job");
    }

    /** The worker's Prometheus samples, by metric name and labels up to the first label's closing quote. */
    private static Map<String, Double> metrics(ServiceProcess worker) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(worker.managementUri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> samples = new HashMap<>();
        for (String line : answer.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space);
            int firstLabelEnd = name.indexOf("\",");
            String key = firstLabelEnd < 0 ? name.replace("}", "") : name.substring(0, firstLabelEnd + 1);
            samples.merge(key, Double.parseDouble(line.substring(space + 1)), Double::sum);
        }
        return samples;
    }

    private static double delta(Map<String, Double> after, Map<String, Double> before, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    @Test
    void aParaphraseAskingForSimilarReuseGetsTheEarlierImageAndAnotherColourDoesNot() throws Exception {
        // Each prompt names all five attributes, so the checker has something to check for each.
        record Pair(String original, String paraphrase, AdherenceCheck.Verdict named) {
        }
        List<Pair> pairs = List.of(
                new Pair("a large red circle in the center on a white background", "白色背景上中间有一个大的红色圆形",
                        new AdherenceCheck.Verdict("white", "red", "circle", "large", "center")),
                new Pair("a large blue square on the left on a black background",
                        "on a black background, a big blue square on the left",
                        new AdherenceCheck.Verdict("black", "blue", "square", "large", "left")),
                new Pair("黄色的大五角星在右边，灰色背景", "a big yellow star on the right, grey background",
                        new AdherenceCheck.Verdict("gray", "yellow", "star", "large", "right")));
        int seed = 600;
        for (Pair pair : pairs) {
            JsonNode original = submitAndWait("""
                    {"prompt": "%s", "seed": %d}""".formatted(pair.original(), seed++));
            assertThat(original.path("status").asText()).isEqualTo("succeeded");
            BufferedImage made = ImageIO.read(new ByteArrayInputStream(fetch(original.path("output").path("images").get(0).path("url").asText())));
            assertThat(AdherenceCheck.classify(made)).as("the model drew %s for its own prompt", pair.original())
                    .isEqualTo(pair.named());

            JsonNode reused = submitAndWait("""
                    {"prompt": "%s", "cache": "similar"}""".formatted(pair.paraphrase()));
            assertThat(reused.path("status").asText()).isEqualTo("succeeded");
            assertThat(reused.path("cache").asText()).as(pair.paraphrase()).isEqualTo("similar");
            assertThat(reused.path("cache_source").path("job_id").asText()).isEqualTo(original.path("id").asText());
            assertThat(reused.path("cache_source").path("similarity").asDouble()).isBetween(0.5, 1.0001);
            BufferedImage given = ImageIO.read(new ByteArrayInputStream(fetch(reused.path("output").path("images").get(0).path("url").asText())));
            assertThat(AdherenceCheck.classify(given)).as("the reused image passes the adherence check for %s", pair.paraphrase())
                    .isEqualTo(pair.named());
        }
        JsonNode other = submitAndWait("""
                {"prompt": "a large green circle in the center on a white background", "cache": "similar"}""");
        assertThat(other.path("cache").asText()).as("another colour is another picture").isEqualTo("miss");
        assertThat(other.path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void jobsQueuedWhileOneWorkerIsBusyRunOnTheIdleOneAtOnce() throws Exception {
        HttpResponse<String> submitted = post("""
                {"prompt": "a cyan square", "width": 256, "height": 256, "steps": 150, "seed": 41}""", null);
        String longId = JsonCodec.mapper().readTree(submitted.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(this::busyWorker, w -> w != null);
        // Every job queued now must go to the idle worker: none may wait behind the busy one (as it would if the
        // busy worker owned the partition its key landed in) nor be acquired and bounced by it.
        for (int i = 0; i < 4; i++) {
            JsonNode quick = submitAndWait("""
                    {"prompt": "a cyan circle", "steps": 4, "seed": %d}""".formatted(42 + i));
            assertThat(quick.path("status").asText()).isEqualTo("succeeded");
            assertThat(quick.path("attempts").asInt()).isEqualTo(1);
        }
        assertThat(get(longId).path("status").asText()).as("all four ran while the long job was still running")
                .isEqualTo("running");
        JsonNode done = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(longId), j -> isTerminal(j.path("status").asText()));
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aRunningJobIsCanceledBetweenStepsAndReleasesItsWorker() throws Exception {
        HttpResponse<String> submitted = post("""
                {"prompt": "a pink star", "width": 256, "height": 256, "steps": 150, "seed": 31}""", null);
        String id = JsonCodec.mapper().readTree(submitted.body()).path("id").asText();
        JsonNode running = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(id), j -> j.path("progress").path("step").asInt() >= 1);
        assertThat(running.path("status").asText()).isEqualTo("running");

        HttpResponse<String> cancel = HTTP.send(api("/v1/jobs/" + id + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).isEqualTo(200);
        JsonNode canceled = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(id), j -> isTerminal(j.path("status").asText()));
        assertThat(canceled.path("status").asText()).isEqualTo("canceled");
        assertThat(canceled.path("output").isMissingNode() || canceled.path("output").isNull()).isTrue();
        assertThat(canceled.path("attempts").asInt()).isEqualTo(1);

        // The worker is free again: the next job runs.
        assertThat(submitAndWait("""
                {"prompt": "a pink circle", "steps": 4, "seed": 32}""").path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void identicalRequestsRunOnceAndLaterOnesAreServedFromTheCache() throws Exception {
        String body = """
                {"prompt": "a small green triangle on a black background", "seed": 77, "steps": 12}""";
        List<JsonNode> jobs;
        try (ExecutorService clients = Executors.newFixedThreadPool(20)) {
            List<CompletableFuture<JsonNode>> submits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                submits.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return submitAndWait(body);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, clients));
            }
            jobs = submits.stream().map(CompletableFuture::join).toList();
        }
        assertThat(jobs).allSatisfy(job -> assertThat(job.path("status").asText()).isEqualTo("succeeded"));
        List<JsonNode> ran = jobs.stream().filter(job -> job.path("attempts").asInt() > 0).toList();
        assertThat(ran).as("jobs a worker ran").hasSize(1);
        assertThat(jobs).filteredOn(job -> "coalesced".equals(job.path("cache").asText())).isNotEmpty();
        String leader = ran.getFirst().path("id").asText();
        assertThat(jobs).filteredOn(job -> !job.path("id").asText().equals(leader))
                .allSatisfy(job -> {
                    assertThat(job.path("cache").asText()).isIn("coalesced", "hit");
                    assertThat(job.path("cache_source").path("job_id").asText()).isEqualTo(leader);
                });
        assertThat(jobs.stream().map(job -> URI.create(job.path("output").path("images").get(0).path("url").asText()).getPath())
                .distinct()).hasSize(1);

        HttpResponse<String> again = post(body.replace("a small green", "A  Small Green"), null);
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode hit = JsonCodec.mapper().readTree(again.body());
        assertThat(hit.path("cache").asText()).isEqualTo("hit");
        assertThat(size(fetch(hit.path("output").path("images").get(0).path("url").asText()))).containsExactly(64, 64);
    }

    private static JsonNode submitAndWait(String body) throws Exception {
        HttpResponse<String> answer = post(body, "wait=60");
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 202);
        JsonNode job = JsonCodec.mapper().readTree(answer.body());
        String id = job.path("id").asText();
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                .until(() -> get(id), j -> isTerminal(j.path("status").asText()));
    }

    private static boolean isTerminal(String status) {
        return List.of("succeeded", "failed", "canceled", "expired").contains(status);
    }

    private static HttpResponse<String> post(String body, String prefer) throws Exception {
        HttpRequest.Builder request = api("/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String id) throws Exception {
        HttpResponse<String> answer = HTTP.send(api("/v1/jobs/" + id).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JsonCodec.mapper().readTree(answer.body());
    }

    private static byte[] fetch(String url) throws Exception {
        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).as("GET " + url).isEqualTo(200);
        return answer.body();
    }

    private static int[] size(byte[] image) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
        return new int[] {decoded.getWidth(), decoded.getHeight()};
    }

    private static BufferedImage square(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(color);
        g.fillRect(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
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
}
