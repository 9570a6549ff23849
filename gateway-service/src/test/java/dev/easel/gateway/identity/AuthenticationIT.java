package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.ManagementPort;
import dev.easel.testsupport.ServiceProcess;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** How the gateway takes credentials: what it accepts, what it refuses and how, and what it never logs. */
@QuarkusTest
class AuthenticationIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;

    @Test
    void withoutAKeyEveryApiRouteAndUnknownPathIsRefusedAndOnlyTheOpenApiDocumentAnswers() throws Exception {
        for (String path : List.of("/v1/jobs", "/v1/models", "/v1/me", "/v1/admin/tenants", "/v1/no-such-route",
                "/nothing-here", "/q/swagger-ui", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            HttpResponse<String> answer = get(path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(401);
            assertThat(answer.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"easel\"");
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(answer.body()).contains("\"code\":\"unauthorized\"");
        }
        assertThat(get("/q/openapi", null).statusCode()).isEqualTo(200);
        assertThat(get("/v1/no-such-route", TestKeys.OPERATOR).statusCode()).isEqualTo(404);
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortOnlyToAnyone() throws Exception {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics")) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(ManagementPort.url(path))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(get(path, TestKeys.OPERATOR).statusCode()).as("API port, " + path).isEqualTo(404);
        }
    }

    @Test
    void aPathWithADotSegmentIsRefusedWhateverItResolvesTo() throws Exception {
        for (String path : List.of("/v1/%2e%2e/q/metrics", "/v1/%2E%2e/q/openapi", "/v1/jobs/%2e/", "/v1/.%2e/v1/models")) {
            HttpResponse<String> answer = get(path, TestKeys.OPERATOR);
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(answer.body()).as(path).contains("\"field\":\"path\"");
        }
        HttpResponse<String> anonymous = get("/v1/%2e%2e/q/openapi", null);
        assertThat(anonymous.statusCode()).isEqualTo(400);
        assertThat(get("/v1/models", TestKeys.OPERATOR).statusCode()).isEqualTo(200);
    }

    @Test
    void anInvalidKeyIsToldSoInTheChallenge() throws Exception {
        HttpResponse<String> answer = get("/v1/jobs", "easel_sk_0000000000000000_" + "A".repeat(43));
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"easel\", error=\"invalid_token\"");
    }

    @Test
    void aRefusedRequestsBodyIsNeverRead() throws Exception {
        // 40 MB declared, above the body limit: refused for its missing key, not for its size, and at once.
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/uploads HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 40000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 401");
        }
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceByTheReplicaThatRevokedItAndWithinTwoSecondsByAnother() throws Exception {
        String tenant = TestTenants.create("revoke");
        String here = TestTenants.key(tenant, Role.MEMBER);
        String elsewhere = TestTenants.key(tenant, Role.MEMBER);
        assertThat(get("/v1/me", here).statusCode()).isEqualTo(200);
        assertThat(get("/v1/me", elsewhere).statusCode()).isEqualTo(200);

        given().delete("/v1/admin/tenants/" + tenant + "/keys/" + TestTenants.idOf(here)).then().statusCode(200);
        HttpResponse<String> refused = get("/v1/me", here);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("revoked");

        try (ServiceProcess other = SecondReplica.start("revoking-replica")) {
            // This gateway has just read the key and trusts it; the other replica revokes it.
            assertThat(get("/v1/me", elsewhere).statusCode()).isEqualTo(200);
            HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(other.uri("/v1/admin/tenants/" + tenant
                            + "/keys/" + TestTenants.idOf(elsewhere))).DELETE()
                    .header("Authorization", TestKeys.operatorBearer()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
            long revokedAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> get("/v1/me", elsewhere).statusCode() == 401);
            System.out.printf("a revocation on another replica took effect here after %d ms%n",
                    (System.nanoTime() - revokedAt) / 1_000_000);
        }
    }

    @Test
    void anExpiredKeyAndADisabledTenantAreRefused() throws Exception {
        String tenant = TestTenants.create("expiry");
        String expiring = given().contentType(ContentType.JSON)
                .body("{\"name\": \"short\", \"role\": \"viewer\", \"expires_at\": \"" + Instant.now().plusSeconds(2) + "\"}")
                .post("/v1/admin/tenants/" + tenant + "/keys").then().statusCode(201).extract().path("key");
        String lasting = TestTenants.key(tenant, Role.VIEWER);
        assertThat(get("/v1/me", expiring).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/v1/me", expiring).statusCode() == 401);
        assertThat(get("/v1/me", expiring).body()).contains("expired");

        given().contentType(ContentType.JSON).body("{\"disabled\": true}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200).body("disabled_at", org.hamcrest.Matchers.notNullValue());
        HttpResponse<String> disabled = get("/v1/me", lasting);
        assertThat(disabled.statusCode()).isEqualTo(403);
        assertThat(disabled.body()).contains("\"code\":\"tenant_disabled\"");
        given().contentType(ContentType.JSON).body("{\"disabled\": false}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200);
        assertThat(get("/v1/me", lasting).statusCode()).isEqualTo(200);
    }

    @Test
    void meNamesTheCallerAndKeysListWithoutSecrets() {
        String tenant = TestTenants.create("me");
        String key = TestTenants.key(tenant, Role.ADMIN);
        Response me = given().header("Authorization", TestTenants.bearer(key)).get("/v1/me");
        assertThat(me.<String>path("tenant")).isEqualTo(tenant);
        assertThat(me.<String>path("role")).isEqualTo("admin");
        assertThat(me.<String>path("key_id")).isEqualTo(TestTenants.idOf(key));

        Response keys = given().header("Authorization", TestTenants.bearer(key)).get("/v1/admin/tenants/" + tenant + "/keys");
        assertThat(keys.<List<String>>path("data.id")).contains(TestTenants.idOf(key));
        assertThat(keys.asString()).doesNotContain(ApiKeyToken.parse(key).orElseThrow().secret()).doesNotContain("secret");
        assertThat(keys.<String>path("data[0].prefix")).startsWith("easel_sk_");
    }

    @Test
    void aKeysLastUseIsRecorded() {
        String tenant = TestTenants.create("last-used");
        String key = TestTenants.key(tenant, Role.VIEWER);
        String path = "/v1/admin/tenants/" + tenant + "/keys/" + TestTenants.idOf(key);
        assertThat(given().get(path).<String>path("last_used_at")).isNull();
        Instant before = Instant.now().minusMillis(1);
        given().header("Authorization", TestTenants.bearer(key)).get("/v1/jobs").then().statusCode(200);
        // Written every easel.auth.last-used-interval (1 s in the tests).
        String lastUsed = await().atMost(Duration.ofSeconds(10)).until(() -> given().get(path).<String>path("last_used_at"),
                at -> at != null);
        assertThat(Instant.parse(lastUsed)).isAfter(before).isBefore(Instant.now());
    }

    @Test
    void adminRequestsAreValidatedAndNobodyGrantsAboveTheirOwnRole() {
        Response bad = given().contentType(ContentType.JSON).body("{\"id\": \"Not A Slug\", \"colour\": \"red\"}")
                .post("/v1/admin/tenants");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.<List<String>>path("errors.field")).containsExactlyInAnyOrder("id", "");
        assertThat(bad.asString()).doesNotContain("colour");

        String tenant = TestTenants.create("grants");
        given().contentType(ContentType.JSON).body("{\"id\": \"" + tenant + "\"}").post("/v1/admin/tenants")
                .then().statusCode(409).body("code", org.hamcrest.Matchers.equalTo("tenant_exists"));
        Response badKey = given().contentType(ContentType.JSON)
                .body("{\"role\": \"god\", \"expires_at\": \"2001-01-01T00:00:00Z\"}").post("/v1/admin/tenants/" + tenant + "/keys");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(badKey.<List<String>>path("errors.field")).containsExactlyInAnyOrder("name", "role", "expires_at");

        String admin = TestTenants.key(tenant, Role.ADMIN);
        Response escalation = given().header("Authorization", TestTenants.bearer(admin)).contentType(ContentType.JSON)
                .body("{\"name\": \"x\", \"role\": \"operator\"}").post("/v1/admin/tenants/" + tenant + "/keys");
        assertThat(escalation.statusCode()).isEqualTo(403);
        assertThat(escalation.<String>path("code")).isEqualTo("forbidden");
        assertThat(given().get("/v1/admin/tenants/" + tenant + "/keys").<List<String>>path("data.role"))
                .doesNotContain("operator");
    }

    @Test
    void aThousandMalformedCredentialsAreAllRefusedWithoutAFaultAndNoKeyEverReachesTheLog() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        List<String> secrets = new ArrayList<>();
        try {
            String tenant = TestTenants.create("fuzz");
            String real = TestTenants.key(tenant, Role.MEMBER);
            secrets.add(ApiKeyToken.parse(real).orElseThrow().secret());
            secrets.add(ApiKeyToken.parse(TestKeys.OPERATOR).orElseThrow().secret());
            List<String> values = credentials(real, new Random(20261207));
            assertThat(values).hasSizeGreaterThanOrEqualTo(1000);
            List<String> accepted = new ArrayList<>();
            for (String value : values) {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(base.toURI().resolve("/v1/jobs"))
                        .header("Authorization", value).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("Authorization: %s", value).isLessThan(500);
                if (answer.statusCode() != 401) {
                    accepted.add(answer.statusCode() + " " + value);
                }
            }
            assertThat(accepted).isEmpty();
            // The real key works, so the refusals above were not a gateway refusing everything.
            assertThat(get("/v1/me", real).statusCode()).isEqualTo(200);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(logged).isNotEmpty();
        for (String secret : secrets) {
            assertThat(logged).noneMatch(line -> line.contains(secret));
        }
    }

    /** Malformed, oversized, wrong-scheme, truncated, tampered and foreign credentials, and near misses of a real key. */
    private static List<String> credentials(String real, Random random) {
        List<String> values = new ArrayList<>();
        ApiKeyToken token = ApiKeyToken.parse(real).orElseThrow();
        String jwtHeaderNone = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String jwtHeaderHs = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String claims = b64("{\"sub\":\"admin\",\"tenant\":\"operators\",\"role\":\"operator\",\"exp\":1}");
        values.addAll(List.of("", " ", "Bearer", "Bearer ", "Bearer  ", "bearer " + real.toUpperCase(),
                "Basic " + b64("admin:admin"), "Basic " + b64(real + ":"), "Token " + real, "Bearer" + real,
                real, "Bearer " + real + " extra", "Bearer " + real + ",Bearer " + real, "Bearer \"" + real + "\"",
                "Bearer " + jwtHeaderNone + "." + claims + ".", "Bearer " + jwtHeaderHs + "." + claims + ".c2ln",
                "Bearer " + jwtHeaderNone + "." + claims, "Bearer eyJ", "Bearer " + "A".repeat(4000),
                "Bearer easel_sk_", "Bearer easel_sk_" + token.id(), "Bearer easel_sk_" + token.id() + "_",
                "Bearer " + ApiKeyToken.PREFIX + token.id() + "_" + token.secret().substring(1),
                "Bearer " + ApiKeyToken.PREFIX + token.id() + "_" + token.secret() + "A",
                "Bearer " + ApiKeyToken.PREFIX + token.id().toUpperCase() + "_" + token.secret(),
                "Bearer " + ApiKeyToken.PREFIX.replace("sk", "pk") + token.id() + "_" + token.secret(),
                "Bearer %00" + real, "Bearer ../" + real));
        // Every position of the secret changed, and every position of the id.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < token.secret().length(); i++) {
            char c = token.secret().charAt(i);
            char other = alphabet.charAt((alphabet.indexOf(c) + 1 + random.nextInt(alphabet.length() - 1)) % alphabet.length());
            values.add("Bearer " + ApiKeyToken.PREFIX + token.id() + "_" + token.secret().substring(0, i) + other
                    + token.secret().substring(i + 1));
        }
        for (int i = 0; i < token.id().length(); i++) {
            char other = token.id().charAt(i) == 'a' ? 'b' : 'a';
            values.add("Bearer " + ApiKeyToken.PREFIX + token.id().substring(0, i) + other + token.id().substring(i + 1)
                    + "_" + token.secret());
        }
        // Every truncation of the key.
        for (int i = 1; i < real.length(); i++) {
            values.add("Bearer " + real.substring(0, i));
        }
        // Random well-formed keys nobody was given, and random printable noise.
        while (values.size() < 1100) {
            values.add(random.nextBoolean() ? "Bearer " + ApiKeyToken.mint().value() : "Bearer " + noise(random));
        }
        return values;
    }

    private static String noise(Random random) {
        StringBuilder s = new StringBuilder();
        int length = 1 + random.nextInt(120);
        for (int i = 0; i < length; i++) {
            s.append((char) (0x21 + random.nextInt(0x7E - 0x21)));
        }
        return s.toString();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.toURI().resolve(path)).timeout(Duration.ofSeconds(10));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
