package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.gateway.upload.TestImages;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated requests against the whole public API: none may get a 5xx, and every refusal
 * must be a problem document with a code. The run is reproducible: it prints its seed, and
 * {@code -Deasel.fuzz.seed=<seed>} replays it; {@code -Deasel.fuzz.requests=<n>} makes a longer run.
 */
@QuarkusTest
class FuzzIT {

    private static final int REQUESTS = Integer.getInteger("easel.fuzz.requests", 3000);
    private static final int CLIENTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("kind", "model", "prompt", "negative_prompt", "width", "height",
            "steps", "guidance_scale", "scheduler", "seed", "num_images", "image", "mask", "strength", "inpaint_area",
            "mask_padding", "mask_blur", "outpaint", "start_deadline_seconds", "cache", "metadata");
    private static final byte[] PNG = TestImages.png(16, 16);
    private static final byte[] JPEG = TestImages.jpeg(16, 16);
    private static final byte[] WEBP = TestImages.webp(16, 16, 0xFF336699);

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
        http.close();
    }

    /** One generated request; {@code what} says how it was made, for the failure report. */
    record FuzzRequest(String what, String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
    }

    /** A request and what came back, when it broke the contract. */
    record Violation(FuzzRequest request, int status, String contentType, String body) {
        @Override
        public String toString() {
            String sent = request.body == null ? "" : new String(request.body, 0, Math.min(300, request.body.length),
                    StandardCharsets.ISO_8859_1);
            return request.what + ": " + request.method + " " + request.pathAndQuery + " " + request.headers + " body["
                    + (request.body == null ? 0 : request.body.length) + "]=" + sent + "\n  -> " + status + " "
                    + contentType + " " + body;
        }
    }

    @Test
    void noRandomOrMutatedRequestGetsA5xxAndEveryRefusalIsAProblemWithACode() throws Exception {
        long seed = Long.getLong("easel.fuzz.seed", System.nanoTime());
        System.out.printf("FuzzIT seed %d (replay with -Deasel.fuzz.seed=%d)%n", seed, seed);
        List<FuzzRequest> requests = new Generator(new Random(seed)).generate(REQUESTS);

        Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> byKind = new ConcurrentHashMap<>();
        List<Violation> violations = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (FuzzRequest request : requests) {
            sent.add(clients.submit(() -> {
                HttpResponse<byte[]> response = send(request);
                byStatus.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                byKind.computeIfAbsent(request.what().split(":")[0] + " " + response.statusCode() / 100 + "xx",
                        k -> new AtomicInteger()).incrementAndGet();
                check(request, response).ifPresent(violations::add);
                return null;
            }));
        }
        for (Future<?> future : sent) {
            future.get();
        }
        System.out.printf("FuzzIT sent %d requests in %d ms; by status %s%n", requests.size(),
                Duration.ofNanos(System.nanoTime() - start).toMillis(), new TreeMap<>(byStatus));
        new TreeMap<>(byKind).forEach((kind, count) -> System.out.printf("  %-40s %5d%n", kind, count.get()));

        assertThat(requests).hasSizeGreaterThanOrEqualTo(2000);
        assertThat(violations).as("seed %d: requests answered with a 5xx or a 4xx that is not a problem with a code", seed)
                .isEmpty();
        assertThat(byStatus.keySet()).as("the fuzzer reaches both acceptance and refusal").contains(202, 400);
    }

    private HttpResponse<byte[]> send(FuzzRequest request) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + request.pathAndQuery()))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", TestKeys.operatorBearer())
                .method(request.method(), request.body() == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach(builder::header);
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Optional<Violation> check(FuzzRequest request, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (status >= 500) {
            return Optional.of(new Violation(request, status, contentType, body));
        }
        if (status >= 400) {
            boolean problem = contentType.startsWith(Problems.MEDIA_TYPE);
            try {
                JsonNode json = JSON.readTree(response.body());
                problem &= json != null && json.path("code").isTextual() && !json.path("code").asText().isEmpty()
                        && json.path("status").asInt() == status && json.path("type").isTextual()
                        && json.path("title").isTextual();
            } catch (Exception e) {
                problem = false;
            }
            if (!problem) {
                return Optional.of(new Violation(request, status, contentType, body));
            }
        }
        return Optional.empty();
    }

    /** Makes the requests; everything random comes from the one seeded generator. */
    static final class Generator {

        private final RandomGenerator random;
        private final List<String> reusedKeys = List.of("fuzz-" + UUID.randomUUID(), "fuzz-" + UUID.randomUUID(),
                "fuzz-" + UUID.randomUUID());

        Generator(RandomGenerator random) {
            this.random = random;
        }

        List<FuzzRequest> generate(int count) {
            List<FuzzRequest> requests = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int dice = random.nextInt(100);
                FuzzRequest request;
                if (dice < 30) {
                    request = jsonJob("random-fields", bytes(randomJob()));
                } else if (dice < 50) {
                    request = jsonJob("mutated-body", mutate(bytes(validJob())));
                } else if (dice < 58) {
                    request = jsonJob("hostile-json", hostileJson());
                } else if (dice < 70) {
                    request = multipartJob();
                } else if (dice < 78) {
                    request = multipartUpload();
                } else if (dice < 86) {
                    request = rawUpload();
                } else if (dice < 95) {
                    request = listQuery();
                } else {
                    request = jobPath();
                }
                requests.add(request);
            }
            return requests;
        }

        // --- job bodies -------------------------------------------------------------------------------------

        private ObjectNode validJob() {
            ObjectNode job = NODES.objectNode();
            job.put("prompt", "fuzz " + random.nextInt(1000));
            job.put("steps", 1 + random.nextInt(4));
            job.put("width", 8 * (1 + random.nextInt(8)));
            job.put("height", 8 * (1 + random.nextInt(8)));
            job.put("start_deadline_seconds", 1);
            if (random.nextBoolean()) {
                job.put("seed", random.nextLong());
            }
            return job;
        }

        private ObjectNode randomJob() {
            ObjectNode job = random.nextBoolean() ? validJob() : NODES.objectNode();
            int fields = random.nextInt(6);
            for (int i = 0; i < fields; i++) {
                job.set(pick(FIELDS), value(0));
            }
            if (random.nextInt(10) == 0) {
                job.set(garbageString(1 + random.nextInt(12)), value(0));
            }
            return job;
        }

        private JsonNode value(int depth) {
            return switch (random.nextInt(depth > 2 ? 9 : 13)) {
                case 0 -> NODES.nullNode();
                case 1 -> NODES.booleanNode(random.nextBoolean());
                case 2 -> NODES.numberNode(random.nextLong());
                case 3 -> NODES.numberNode(pick(List.of(0, 1, -1, 7, 8, 64, 150, 151, 255, 256, 257, 4096, 86400, 86401,
                        Integer.MAX_VALUE, Integer.MIN_VALUE)));
                case 4 -> NODES.numberNode(pick(List.of(0.0, -0.0, 0.5, 1.0, 1.5, 30.0, 30.5, 1e308, -1e308, 1e-320, 7.5)));
                case 5 -> NODES.numberNode(new BigInteger(1 + random.nextInt(200), new Random(random.nextLong())));
                case 6 -> NODES.textNode(pick(List.of("text-to-image", "image-to-image", "inpaint", "outpaint", "euler",
                        "lcm", "flow_euler", "ddim", "use", "bypass", "full", "masked", "tiny-shapes", "", " ",
                        "upload:", "upload:doesnotexist", "upload:../../etc/passwd", "data:,", "data:image/png;base64,",
                        "data:image/png;base64,AAAA", TestImages.dataUrl("image/png", PNG),
                        TestImages.dataUrl("image/jpeg", JPEG), TestImages.dataUrl("image/webp", WEBP),
                        TestImages.dataUrl("image/png", TestImages.pngClaiming(1 << 20, 1 << 20)))));
                case 7 -> NODES.textNode(garbageString(random.nextInt(40)));
                case 8 -> NODES.textNode("x".repeat(pick(List.of(1999, 2000, 2001, 5000))));
                case 9, 10 -> {
                    ObjectNode object = NODES.objectNode();
                    int n = random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        object.set(pick(List.of("left", "right", "top", "bottom", "a", "", "prompt")), value(depth + 1));
                    }
                    yield object;
                }
                case 11 -> {
                    ArrayNode array = NODES.arrayNode();
                    int n = random.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        array.add(value(depth + 1));
                    }
                    yield array;
                }
                default -> NODES.numberNode(random.nextInt(-16, 300));
            };
        }

        private String garbageString(int length) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(6)) {
                    case 0 -> s.append((char) random.nextInt(0x20));                  // control characters, NUL
                    case 1 -> s.append((char) (0xD800 + random.nextInt(0x800)));     // lone surrogates
                    case 2 -> s.appendCodePoint(0x1F300 + random.nextInt(0x300));    // emoji
                    case 3 -> s.append((char) (0x4E00 + random.nextInt(0x5000)));    // CJK
                    case 4 -> s.append(pick(List.of("\u202E", "\uFEFF", "\u0301", "\"", "\\", "'", "{", "%00")));
                    default -> s.append((char) (0x20 + random.nextInt(0x5F)));
                }
            }
            return s.toString();
        }

        private byte[] mutate(byte[] valid) {
            byte[] b = valid.clone();
            return switch (random.nextInt(9)) {
                case 0 -> Arrays.copyOf(b, random.nextInt(b.length));                       // truncated
                case 1 -> {                                                                             // bytes flipped
                    int flips = 1 + random.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    yield b;
                }
                case 2 -> randomBytes(random.nextInt(300));                                            // noise
                case 3 -> replaceFirst(b, "\"prompt\"", "\"prompt\":\"dup\",\"prompt\"");             // duplicated key
                case 4 -> replaceFirst(b, "\"steps\"", "\"\"");                                        // deleted key name
                case 5 -> concat(b, b);                                                                 // two objects
                case 6 -> replaceFirst(b, "{", "{\"seed\":" + pick(List.of("1e400", "-1e400", "NaN", "Infinity",
                        "9".repeat(30), "9".repeat(1200), "0x10", "01", "1.", "-", "1e", "12345678901234567890")) + ",");
                case 7 -> {                                                                             // bytes inserted
                    int at = random.nextInt(b.length + 1);
                    yield concat(concat(Arrays.copyOf(b, at), randomBytes(1 + random.nextInt(8))),
                            Arrays.copyOfRange(b, at, b.length));
                }
                default -> replaceFirst(b, "{", "{\"prompt\":\"" + pick(List.of("\\ud800", "\\u0000", "\\uDFFF\\uD800",
                        "\\x41", "\\u12", "\t", "\u0001")) + "\",");                                   // bad escapes
            };
        }

        private byte[] hostileJson() {
            int depth = pick(List.of(10, 500, 999, 1001, 5000));
            return switch (random.nextInt(5)) {
                case 0 -> ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII);
                case 1 -> ("{\"prompt\":\"x\",\"metadata\":{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}}")
                        .getBytes(StandardCharsets.US_ASCII);
                case 2 -> ("{\"prompt\":\"x\",\"metadata\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}")
                        .getBytes(StandardCharsets.US_ASCII);
                case 3 -> ("{\"prompt\":\"x\",\"metadata\":{\"n\":" + pick(List.of("1e400", "-1e-400", "1" + "0".repeat(900),
                        "0." + "1".repeat(900))) + "}}").getBytes(StandardCharsets.US_ASCII);
                default -> ("{\"prompt\":\"" + garbageString(3000) + "\"}").getBytes(StandardCharsets.UTF_8);
            };
        }

        private FuzzRequest jsonJob(String what, byte[] body) {
            Map<String, String> headers = new LinkedHashMap<>();
            String contentType = pick(List.of("application/json", "application/json", "application/json",
                    "application/json; charset=utf-8", "application/json;charset=ISO-8859-1", "APPLICATION/JSON",
                    "application/json; charset=\"utf-16\"", "text/json", "application/problem+json", "text/plain",
                    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=zz",
                    "image/png", "*/*", ";;;", "application/", "none"));
            if (!contentType.equals("none")) {
                headers.put("Content-Type", contentType);
            }
            if (random.nextInt(4) == 0) {
                headers.put("Idempotency-Key", idempotencyKey());
            }
            if (random.nextInt(5) == 0) {
                headers.put("Prefer", pick(List.of("wait=0", "wait=-1", "wait=abc", "wait", "wait=", "respond-async",
                        "handling=lenient, wait=0", "return=minimal", garbageHeader(40))));
            }
            if (random.nextInt(10) == 0) {
                headers.put("Accept", pick(List.of("application/json", "*/*", "text/html", "application/problem+json",
                        "image/png", garbageHeader(20))));
            }
            return new FuzzRequest(what, "POST", "/v1/jobs", headers, body);
        }

        private String idempotencyKey() {
            return switch (random.nextInt(6)) {
                case 0, 1 -> pick(reusedKeys);
                case 2 -> "k" + "x".repeat(pick(List.of(0, 254, 255, 256, 4000)));
                case 3 -> garbageHeader(1 + random.nextInt(60));
                default -> UUID.randomUUID().toString();
            };
        }

        // Header values must be visible ASCII (or Latin-1) for the HTTP client to send them; no letters that could
        // spell a positive Prefer wait, which would hold the request for up to a minute.
        private String garbageHeader(int length) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < length; i++) {
                char c = random.nextInt(8) == 0 ? (char) (0xA0 + random.nextInt(0x60)) : (char) (0x21 + random.nextInt(0x5E));
                s.append(Character.isDigit(c) ? '_' : c);
            }
            return s.toString();
        }

        // --- multipart --------------------------------------------------------------------------------------

        private FuzzRequest multipartJob() {
            if (random.nextBoolean()) {
                return wellFormedMultipartJob();
            }
            List<String> names = new ArrayList<>(List.of("request", "image", "mask", "other", ""));
            Collections.shuffle(names, new Random(random.nextLong()));
            return multipart("multipart-job", "/v1/jobs", names.subList(0, random.nextInt(names.size() + 1)));
        }

        // A request part and real images, only the headers and the job's values left to chance: the accepting path.
        private FuzzRequest wellFormedMultipartJob() {
            String boundary = "fuzz" + Long.toHexString(random.nextLong());
            ObjectNode job = validJob();
            job.remove(List.of("width", "height"));
            boolean inpaint = random.nextBoolean();
            job.put("kind", inpaint ? "inpaint" : "image-to-image");
            if (random.nextInt(3) == 0) {
                job.set(pick(List.of("strength", "seed", "prompt", "mask_blur", "metadata")), value(0));
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            part(body, boundary, "request", null, random.nextBoolean() ? "application/json" : null, bytes(job));
            part(body, boundary, "image", "in.png", pick(List.of("image/png", "application/octet-stream")),
                    pick(List.of(PNG, JPEG, WEBP)));
            if (inpaint) {
                part(body, boundary, "mask", "mask.webp", null, pick(List.of(PNG, JPEG, WEBP)));
            }
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
            if (random.nextInt(4) == 0) {
                headers.put("Idempotency-Key", idempotencyKey());
            }
            return new FuzzRequest("multipart-job", "POST", "/v1/jobs", headers, body.toByteArray());
        }

        private FuzzRequest multipartUpload() {
            List<String> names = new ArrayList<>(List.of("file", "file", "image", "other"));
            return multipart("multipart-upload", "/v1/uploads", names.subList(0, random.nextInt(names.size() + 1)));
        }

        private FuzzRequest multipart(String what, String path, List<String> names) {
            String boundary = "fuzz" + Long.toHexString(random.nextLong());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String name : names) {
                boolean file = !name.equals("request") ? random.nextInt(4) != 0 : random.nextInt(5) == 0;
                String type = pick(List.of("none", "image/png", "image/jpeg", "application/json", "text/plain",
                        "application/octet-stream"));
                part(body, boundary, name, file ? pick(List.of("a.png", "x", "../../x.jpg", "ü.webp")) : null,
                        type.equals("none") ? null : type, partContent(name));
            }
            body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] bytes = body.toByteArray();
            String contentType = "multipart/form-data; boundary=" + boundary;
            switch (random.nextInt(8)) {
                case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 1 -> contentType = "multipart/form-data; boundary=other";
                case 2 -> contentType = "multipart/form-data";
                default -> {
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", contentType);
            if (path.equals("/v1/jobs") && random.nextInt(4) == 0) {
                headers.put("Idempotency-Key", idempotencyKey());
            }
            return new FuzzRequest(what, "POST", path, headers, bytes);
        }

        private static void part(ByteArrayOutputStream body, String boundary, String name, String filename,
                                 String contentType, byte[] content) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(name).append('"');
            if (filename != null) {
                head.append("; filename=\"").append(filename).append('"');
            }
            head.append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            head.append("\r\n");
            body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        private byte[] partContent(String name) {
            if (!name.equals("request")) {
                return image();
            }
            ObjectNode job = random.nextBoolean() ? randomJob() : validJob();
            return random.nextInt(5) == 0 ? mutate(bytes(job)) : bytes(job);
        }

        private byte[] image() {
            return switch (random.nextInt(12)) {
                case 0, 1 -> PNG;
                case 2, 3 -> JPEG;
                case 4, 5 -> WEBP;
                case 6 -> TestImages.pngClaiming(100_000, 100_000);
                case 7 -> Arrays.copyOf(PNG, random.nextInt(PNG.length));
                case 8 -> new byte[0];
                case 9, 10 -> mutate(pick(List.of(PNG, JPEG, WEBP)));
                default -> randomBytes(random.nextInt(500));
            };
        }

        // --- uploads, listing, paths ------------------------------------------------------------------------

        private FuzzRequest rawUpload() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", pick(List.of("image/png", "image/jpeg", "image/webp", "image/gif",
                    "application/octet-stream", "image/png; charset=utf-8", "IMAGE/PNG")));
            return new FuzzRequest("raw-upload", "POST", "/v1/uploads", headers, image());
        }

        private FuzzRequest listQuery() {
            List<String> params = new ArrayList<>();
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                String key = pick(List.of("limit", "status", "cursor", "limit", "x", "status[]", ""));
                String value = switch (random.nextInt(7)) {
                    case 0 -> pick(List.of("1", "20", "100", "0", "-1", "101", "1.5", "1e2", "9".repeat(30), ""));
                    case 1 -> pick(List.of("queued", "running", "succeeded", "failed", "canceled", "expired", "QUEUED", "done"));
                    case 2 -> Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(random.nextInt(60)));
                    case 3 -> Base64.getUrlEncoder().encodeToString((random.nextLong() + ":" + random.nextInt()
                            + ":" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
                    case 4 -> garbageString(random.nextInt(30));
                    default -> garbageHeader(random.nextInt(30));
                };
                params.add(encode(key) + "=" + encode(value));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (random.nextInt(8) == 0) {
                headers.put("Accept", pick(List.of("text/html", "application/json", "*/*", garbageHeader(10))));
            }
            return new FuzzRequest("list-query", "GET", "/v1/jobs?" + String.join("&", params), headers, null);
        }

        private FuzzRequest jobPath() {
            String id = switch (random.nextInt(4)) {
                case 0 -> UUID.randomUUID().toString();
                case 1 -> encode(garbageString(1 + random.nextInt(40)));
                case 2 -> UUID.randomUUID().toString().toUpperCase();
                default -> encode(garbageHeader(1 + random.nextInt(40)));
            };
            return switch (random.nextInt(5)) {
                case 0 -> new FuzzRequest("job-path", "POST", "/v1/jobs/" + id + "/cancel", Map.of(), null);
                case 1 -> new FuzzRequest("job-path", pick(List.of("PUT", "DELETE", "PATCH")), "/v1/jobs/" + id, Map.of(),
                        randomBytes(random.nextInt(20)));
                case 2 -> new FuzzRequest("job-path", "GET", "/v1/jobs/" + id + "/events", Map.of(), null);
                default -> new FuzzRequest("job-path", "GET", "/v1/jobs/" + id, Map.of(), null);
            };
        }

        // --- helpers ----------------------------------------------------------------------------------------

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private byte[] randomBytes(int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
            return bytes;
        }

        // Lone surrogates cannot be written as UTF-8; bodies holding one carry every non-ASCII character as a JSON escape.
        private static byte[] bytes(JsonNode json) {
            try {
                return JSON.writeValueAsBytes(json);
            } catch (Exception e) {
                try {
                    return JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsBytes(json);
                } catch (Exception again) {
                    throw new IllegalStateException(again);
                }
            }
        }

        private static byte[] replaceFirst(byte[] body, String target, String replacement) {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.replaceFirst(Pattern.quote(target), Matcher.quoteReplacement(replacement))
                    .getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] joined = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            return joined;
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }
}
