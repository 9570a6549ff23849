package dev.easel.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.TestTenants;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The call log against the real PostgreSQL: every call recorded, accepted or refused, with its fields; chained
 * per tenant under load; append-only for the gateway's own database role; an edited row found by verify; old
 * months dropped by retention.
 */
@QuarkusTest
class CallLogIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String JOB = "{\"prompt\": \"a logged lighthouse\"}";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CallLogRetention retention;

    @Test
    void recordsEveryCallAcceptedOrRefusedWithWhoWhatAndHowItEnded() throws Exception {
        String tenant = TestTenants.create("calls");
        String member = TestTenants.key(tenant, Role.MEMBER);
        String viewer = TestTenants.key(tenant, Role.VIEWER);
        String admin = TestTenants.key(tenant, Role.ADMIN);
        String run = "rid-" + UUID.randomUUID();

        Response submitted = as(member).header("X-Request-Id", run + "-submit").header("User-Agent", "calls-test/1.0")
                .contentType(ContentType.JSON).body(JOB).post("/v1/jobs");
        assertThat(submitted.statusCode()).isEqualTo(202);
        assertThat(submitted.header("X-Request-Id")).isEqualTo(run + "-submit");
        String job = submitted.path("id");
        as(viewer).header("X-Request-Id", run + "-read").get("/v1/jobs/" + job).then().statusCode(200);
        as(viewer).header("X-Request-Id", run + "-missing").get("/v1/jobs/" + UUID.randomUUID()).then().statusCode(404);
        as(viewer).header("X-Request-Id", run + "-forbidden").contentType(ContentType.JSON).body(JOB).post("/v1/jobs")
                .then().statusCode(403);
        as(member).header("X-Request-Id", run + "-invalid").contentType(ContentType.JSON).body("{\"steps\": 0}")
                .post("/v1/jobs").then().statusCode(400);
        String revoked = TestTenants.key(tenant, Role.MEMBER);
        given().delete("/v1/admin/tenants/" + tenant + "/keys/" + TestTenants.idOf(revoked)).then().statusCode(200);
        await().atMost(WAIT).until(() -> as(revoked).header("X-Request-Id", run + "-revoked").get("/v1/jobs")
                .statusCode() == 401);
        Response anonymous = given().noFilters().header("X-Request-Id", "not a usable id!").get("/v1/jobs");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        String madeId = anonymous.header("X-Request-Id");
        assertThat(madeId).matches("[0-9a-f-]{36}");

        List<Map<String, Object>> calls = await().atMost(WAIT).until(
                () -> as(admin).get("/v1/audit?limit=1000").jsonPath().<Map<String, Object>>getList("data"),
                page -> page.stream().filter(c -> String.valueOf(c.get("request_id")).startsWith(run + "-")
                        && !c.get("request_id").equals(run + "-revoked")).count() == 5);
        Map<String, Object> submit = byRequest(calls, run + "-submit");
        assertThat(submit).containsEntry("tenant", tenant).containsEntry("method", "POST")
                .containsEntry("route", "/v1/jobs").containsEntry("status", 202).containsEntry("job_id", job)
                .containsEntry("key_id", TestTenants.idOf(member)).containsEntry("role", "member")
                .containsEntry("principal", TestTenants.idOf(member))
                .containsEntry("user_agent", "calls-test/1.0").doesNotContainKey("error_code");
        assertThat(((Number) submit.get("latency_us")).longValue()).isPositive();
        assertThat((String) submit.get("client_address")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(byRequest(calls, run + "-read")).containsEntry("route", "/v1/jobs/{id}").containsEntry("job_id", job)
                .containsEntry("status", 200).containsEntry("role", "viewer");
        assertThat(byRequest(calls, run + "-missing")).containsEntry("status", 404).containsEntry("error_code", "not_found");
        assertThat(byRequest(calls, run + "-forbidden")).containsEntry("status", 403).containsEntry("error_code", "forbidden");
        assertThat(byRequest(calls, run + "-invalid")).containsEntry("status", 400)
                .containsEntry("error_code", "invalid_request");
        // Newest first, one chain: each call's prev_hash is the hash of the one after it in the page.
        for (int i = 0; i + 1 < calls.size(); i++) {
            assertThat(calls.get(i).get("prev_hash")).isEqualTo(calls.get(i + 1).get("hash"));
            assertThat(((Number) calls.get(i).get("seq")).longValue())
                    .isEqualTo(((Number) calls.get(i + 1).get("seq")).longValue() + 1);
        }

        // Refused before a tenant was known: the calls of no tenant, for operators only, with the key id presented.
        List<Map<String, Object>> none = await().atMost(WAIT).until(
                () -> given().get("/v1/audit?tenant=-&limit=1000").jsonPath().<Map<String, Object>>getList("data"),
                page -> page.stream().anyMatch(c -> madeId.equals(c.get("request_id")))
                        && page.stream().anyMatch(c -> (run + "-revoked").equals(c.get("request_id"))));
        assertThat(byRequest(none, madeId)).containsEntry("tenant", "-").containsEntry("status", 401)
                .containsEntry("error_code", "unauthorized").containsEntry("route", "/v1/jobs").doesNotContainKey("key_id");
        assertThat(byRequest(none, run + "-revoked")).containsEntry("key_id", TestTenants.idOf(revoked))
                .containsEntry("status", 401);

        // The filters, the cursor and the export.
        Response refused = as(admin).get("/v1/audit?status=403&method=POST&route=/v1/jobs");
        assertThat(refused.jsonPath().<String>getList("data.request_id")).containsExactly(run + "-forbidden");
        assertThat(as(admin).get("/v1/audit?job_id=" + job).jsonPath().<String>getList("data.request_id"))
                .containsExactlyInAnyOrder(run + "-submit", run + "-read");
        Response first = as(admin).get("/v1/audit?limit=2");
        assertThat(first.<Boolean>path("has_more")).isTrue();
        Response second = as(admin).get("/v1/audit?limit=2&cursor=" + first.path("next_cursor"));
        assertThat(second.jsonPath().<Integer>getList("data.seq").getFirst())
                .isEqualTo(first.jsonPath().<Integer>getList("data.seq").getLast() - 1);
        Response export = as(admin).get("/v1/audit/export");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/jsonl");
        String[] lines = export.asString().split("\n");
        assertThat(lines.length).isGreaterThanOrEqualTo(calls.size());
        assertThat(lines[0]).startsWith("{").contains("\"seq\":1,");
        // Keys are never logged: neither the secrets nor the Authorization header.
        assertThat(export.asString()).doesNotContain(member, viewer, admin, revoked, "Bearer");
        assertThat(as(admin).get("/v1/audit/verify").<Boolean>path("intact")).isTrue();
    }

    @Test
    void tenThousandCallsUnderLoadGiveTenThousandChainedRows() throws Exception {
        String tenant = TestTenants.create("load");
        String member = TestTenants.key(tenant, Role.MEMBER);
        String viewer = TestTenants.key(tenant, Role.VIEWER);
        String job = as(member).contentType(ContentType.JSON).body(JOB).post("/v1/jobs").path("id");
        String run = "load-" + UUID.randomUUID();
        int total = 10_000;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Future<Integer>> answers = new ArrayList<>(total);
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < total; i++) {
                HttpRequest request = loadRequest(i, run + "-" + i, job, member, viewer);
                answers.add(clients.submit(() -> client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
        }
        int accepted = 0;
        for (Future<Integer> answer : answers) {
            accepted += answer.get() == 202 ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(total / 10);
        await().atMost(WAIT).until(() -> count("request_id LIKE ?", run + "-%") == total);
        assertThat(count("tenant_id = ? AND request_id LIKE ?", tenant, run + "-%")).isEqualTo(total - total / 10);
        assertThat(count("tenant_id = ? AND request_id LIKE ? AND status = 202 AND job_id IS NOT NULL", tenant,
                run + "-%")).isEqualTo(total / 10);
        Response verified = given().get("/v1/audit/verify?tenant=" + tenant);
        assertThat(verified.<Boolean>path("intact")).as(verified.asString()).isTrue();
        assertThat(verified.<Integer>path("checked")).isGreaterThanOrEqualTo(total - total / 10);
        assertThat(given().get("/v1/audit/verify?tenant=-").<Boolean>path("intact")).isTrue();
    }

    /** A tenth each: submits, refused submits, unknown jobs, calls without a key; the rest read a job. */
    private static HttpRequest loadRequest(int i, String requestId, String job, String member, String viewer) {
        HttpRequest.Builder request = HttpRequest.newBuilder().header("X-Request-Id", requestId);
        return switch (i % 10) {
            case 0 -> request.uri(uri("/v1/jobs")).header("Authorization", TestTenants.bearer(member))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JOB)).build();
            case 1 -> request.uri(uri("/v1/jobs")).header("Authorization", TestTenants.bearer(viewer))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JOB)).build();
            case 2 -> request.uri(uri("/v1/jobs/" + UUID.randomUUID())).header("Authorization", TestTenants.bearer(viewer))
                    .build();
            case 3 -> request.uri(uri("/v1/jobs")).build();
            default -> request.uri(uri("/v1/jobs/" + job)).header("Authorization", TestTenants.bearer(viewer)).build();
        };
    }

    @Test
    void verifyFindsAnEditedRowAndAGap() throws Exception {
        String tenant = TestTenants.create("tamper");
        String viewer = TestTenants.key(tenant, Role.VIEWER);
        for (int i = 0; i < 6; i++) {
            as(viewer).get("/v1/jobs").then().statusCode(200);
        }
        await().atMost(WAIT).until(() -> count("tenant_id = ?", tenant) == 6);
        assertThat(given().get("/v1/audit/verify?tenant=" + tenant).<Boolean>path("intact")).isTrue();

        // Someone with the database's superuser rights (triggers off) changes call 3's status and removes call 5.
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("SET session_replication_role = replica");
            try {
                assertThat(sql.executeUpdate("UPDATE call_log SET status = 500 WHERE tenant_id = '" + tenant
                        + "' AND seq = 3")).isEqualTo(1);
            } finally {
                sql.execute("SET session_replication_role = origin");
            }
        }
        Response edited = given().get("/v1/audit/verify?tenant=" + tenant);
        assertThat(edited.<Boolean>path("intact")).isFalse();
        assertThat(edited.<Integer>path("broken_at")).isEqualTo(3);
        assertThat(edited.<String>path("problem")).contains("changed");
        assertThat(given().get("/v1/audit/verify?tenant=" + tenant + "&from_seq=4").<Boolean>path("intact")).isTrue();

        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("SET session_replication_role = replica");
            try {
                sql.executeUpdate("DELETE FROM call_log WHERE tenant_id = '" + tenant + "' AND seq = 5");
            } finally {
                sql.execute("SET session_replication_role = origin");
            }
        }
        Response gap = given().get("/v1/audit/verify?tenant=" + tenant + "&from_seq=4");
        assertThat(gap.<Boolean>path("intact")).isFalse();
        assertThat(gap.<Integer>path("broken_at")).isEqualTo(6);
        assertThat(gap.<String>path("problem")).contains("missing");
    }

    @Test
    void theGatewaysOwnRoleCannotChangeOrDeleteCalls() throws Exception {
        String tenant = TestTenants.create("append");
        as(TestTenants.key(tenant, Role.VIEWER)).get("/v1/jobs").then().statusCode(200);
        await().atMost(WAIT).until(() -> count("tenant_id = ?", tenant) == 1);
        String month = "call_log_y" + LocalDate.now().getYear() + "m" + String.format("%02d", LocalDate.now().getMonthValue());
        for (String statement : List.of("UPDATE call_log SET status = 200 WHERE tenant_id = '" + tenant + "'",
                "DELETE FROM call_log WHERE tenant_id = '" + tenant + "'", "TRUNCATE call_log",
                "UPDATE " + month + " SET status = 200 WHERE tenant_id = '" + tenant + "'",
                "DELETE FROM " + month + " WHERE tenant_id = '" + tenant + "'", "TRUNCATE " + month)) {
            try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
                assertThatThrownBy(() -> sql.execute(statement)).as(statement).isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
            }
        }
        assertThat(count("tenant_id = ?", tenant)).isEqualTo(1);
    }

    @Test
    void retentionDropsWholeMonthsBeforeItsCutoff() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("SELECT call_log_ensure_month('2001-03-01')");
            sql.execute("INSERT INTO call_log (tenant_id, seq, at, method, route, status, latency_us, prev_hash, hash) "
                    + "VALUES ('old-tenant', 1, '2001-03-15T00:00:00Z', 'GET', '/v1/jobs', 200, 1, 'x', 'y')");
        }
        assertThat(retention.apply(LocalDate.now())).isGreaterThanOrEqualTo(1);
        assertThat(count("tenant_id = ?", "old-tenant")).isZero();
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement();
             ResultSet rs = sql.executeQuery("SELECT to_regclass('call_log_y2001m03') IS NULL, "
                     + "to_regclass('" + "call_log_y" + LocalDate.now().getYear() + "m"
                     + String.format("%02d", LocalDate.now().getMonthValue()) + "') IS NOT NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("the old month is dropped").isTrue();
            assertThat(rs.getBoolean(2)).as("this month is kept").isTrue();
        }
    }

    @Test
    void queriesAreValidated() {
        for (String query : List.of("from=yesterday", "to=2026-13-01T00:00:00Z", "status=9000", "status=ok",
                "job_id=nope", "limit=0", "limit=1001", "cursor=bm9wZQ", "method=post")) {
            Response answer = given().get("/v1/audit?" + query);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            assertThat(answer.<String>path("code")).isEqualTo("invalid_request");
            assertThat(answer.<String>path("errors[0].field")).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        for (String query : List.of("from_seq=0", "to_seq=x", "from_seq=5&to_seq=4")) {
            Response answer = given().get("/v1/audit/verify?" + query);
            assertThat(answer.statusCode()).as(query).isEqualTo(400);
            assertThat(answer.<String>path("errors[0].field")).startsWith(query.substring(0, 5));
        }
        assertThat(given().get("/v1/audit?limit=1000&status=200&from=2026-01-01T00:00:00Z").statusCode()).isEqualTo(200);
    }

    private long count(String where, String... values) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM call_log WHERE " + where)) {
            for (int i = 0; i < values.length; i++) {
                select.setString(i + 1, values[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Object> byRequest(List<Map<String, Object>> calls, String requestId) {
        return calls.stream().filter(c -> requestId.equals(c.get("request_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no call with request id " + requestId + " in " + calls));
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    private static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }
}
