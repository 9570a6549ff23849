package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.upload.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint × every role × the caller's own tenant and another: the status and {@code code} each answers
 * with. The table is docs/api.md's permission matrix; a change to either must change both.
 */
@QuarkusTest
class PermissionMatrixIT {

    private static final String JOB = "{\"prompt\": \"permission matrix\", \"steps\": 1}";
    private static final Role[] ROLES = {Role.VIEWER, Role.MEMBER, Role.ADMIN, Role.OPERATOR};

    /** What exists in a tenant for the calls to act on. */
    private record Resources(String tenant, String job, String key) {
        static Resources of(String tenant, Map<Role, String> keys) {
            // Submitted by the admin: a member may not cancel it. Canceled at once, so its event stream ends.
            String job = given().header("Authorization", TestTenants.bearer(keys.get(Role.ADMIN)))
                    .contentType(ContentType.JSON).body(JOB).post("/v1/jobs").then().statusCode(202)
                    .extract().path("id");
            given().header("Authorization", TestTenants.bearer(keys.get(Role.ADMIN)))
                    .post("/v1/jobs/" + job + "/cancel").then().statusCode(200);
            return new Resources(tenant, job, TestTenants.idOf(keys.get(Role.MEMBER)));
        }
    }

    /**
     * One endpoint: how to call it on a tenant's resources, and the statuses for viewer, member, admin, operator
     * on the caller's own tenant and on another's (null: the endpoint names no tenant's resource).
     */
    private record Endpoint(String name, Function<Resources, Call> call, int[] own, int[] other) {
    }

    private record Call(String method, String path, Function<RequestSpecification, RequestSpecification> body) {
        static Call of(String method, String path) {
            return new Call(method, path, spec -> spec);
        }

        static Call json(String method, String path, String json) {
            return new Call(method, path, spec -> spec.contentType(ContentType.JSON).body(json));
        }
    }

    private static int[] roles(int viewer, int member, int admin, int operator) {
        return new int[] {viewer, member, admin, operator};
    }

    private static List<Endpoint> endpoints() {
        int[] hiddenButToOperators = roles(404, 404, 404, 200);
        return List.of(
                new Endpoint("POST /v1/jobs", r -> Call.json("POST", "/v1/jobs", JOB), roles(403, 202, 202, 202), null),
                new Endpoint("POST /v1/jobs (multipart)", r -> new Call("POST", "/v1/jobs",
                        spec -> spec.multiPart("request", JOB, "application/json")), roles(403, 202, 202, 202), null),
                new Endpoint("GET /v1/jobs/{id}", r -> Call.of("GET", "/v1/jobs/" + r.job()),
                        roles(200, 200, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/jobs", r -> Call.of("GET", "/v1/jobs"), roles(200, 200, 200, 200), null),
                new Endpoint("POST /v1/jobs/{id}/cancel", r -> Call.of("POST", "/v1/jobs/" + r.job() + "/cancel"),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/jobs/{id}/events", r -> Call.of("GET", "/v1/jobs/" + r.job() + "/events"),
                        roles(200, 200, 200, 200), hiddenButToOperators),
                new Endpoint("POST /v1/uploads", r -> new Call("POST", "/v1/uploads",
                        spec -> spec.contentType("image/png").body(TestImages.png(8, 8))), roles(403, 201, 201, 201), null),
                new Endpoint("POST /v1/uploads (multipart)", r -> new Call("POST", "/v1/uploads",
                        spec -> spec.multiPart("file", "a.png", TestImages.png(8, 8), "image/png")),
                        roles(403, 201, 201, 201), null),
                new Endpoint("GET /v1/models", r -> Call.of("GET", "/v1/models"), roles(200, 200, 200, 200), null),
                new Endpoint("GET /v1/me", r -> Call.of("GET", "/v1/me"), roles(200, 200, 200, 200), null),
                new Endpoint("GET /v1/usage", r -> Call.of("GET", "/v1/usage?tenant=" + r.tenant()),
                        roles(200, 200, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/audit", r -> Call.of("GET", "/v1/audit?tenant=" + r.tenant()),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/audit/export", r -> Call.of("GET", "/v1/audit/export?tenant=" + r.tenant()),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/audit/verify", r -> Call.of("GET", "/v1/audit/verify?tenant=" + r.tenant()),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/audit (calls of no tenant)", r -> Call.of("GET", "/v1/audit?tenant=-"),
                        roles(404, 404, 404, 200), null),
                new Endpoint("POST /v1/admin/tenants", r -> Call.json("POST", "/v1/admin/tenants",
                        "{\"id\": \"m-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "\"}"),
                        roles(403, 403, 403, 201), null),
                new Endpoint("GET /v1/admin/tenants", r -> Call.of("GET", "/v1/admin/tenants"),
                        roles(403, 403, 403, 200), null),
                new Endpoint("GET /v1/admin/tenants/{tenant}", r -> Call.of("GET", "/v1/admin/tenants/" + r.tenant()),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("PATCH /v1/admin/tenants/{tenant}", r -> Call.json("PATCH",
                        "/v1/admin/tenants/" + r.tenant(), "{\"name\": \"renamed\"}"),
                        roles(403, 403, 403, 200), hiddenButToOperators),
                new Endpoint("POST /v1/admin/tenants/{tenant}/keys", r -> Call.json("POST",
                        "/v1/admin/tenants/" + r.tenant() + "/keys", "{\"name\": \"m\", \"role\": \"viewer\"}"),
                        roles(403, 403, 201, 201), roles(404, 404, 404, 201)),
                new Endpoint("GET /v1/admin/tenants/{tenant}/keys", r -> Call.of("GET",
                        "/v1/admin/tenants/" + r.tenant() + "/keys"), roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/admin/tenants/{tenant}/keys/{key}", r -> Call.of("GET",
                        "/v1/admin/tenants/" + r.tenant() + "/keys/" + r.key()),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("PATCH /v1/admin/tenants/{tenant}/keys/{key}", r -> Call.json("PATCH",
                        "/v1/admin/tenants/" + r.tenant() + "/keys/" + r.key(), "{\"name\": \"renamed\"}"),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("GET /v1/admin/tenants/{tenant}/members", r -> Call.of("GET",
                        "/v1/admin/tenants/" + r.tenant() + "/members"), roles(403, 403, 200, 200), hiddenButToOperators),
                new Endpoint("PUT /v1/admin/tenants/{tenant}/members/{subject}", r -> Call.json("PUT",
                        "/v1/admin/tenants/" + r.tenant() + "/members/matrix-subject", "{\"role\": \"viewer\"}"),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                // A member of its own for each call, granted by the operator first.
                new Endpoint("DELETE /v1/admin/tenants/{tenant}/members/{subject}", r -> Call.of("DELETE",
                        "/v1/admin/tenants/" + r.tenant() + "/members/" + member(r.tenant())),
                        roles(403, 403, 200, 200), hiddenButToOperators),
                // A key of its own for each call, so that no other call loses the key it acts with.
                new Endpoint("DELETE /v1/admin/tenants/{tenant}/keys/{key}", r -> Call.of("DELETE",
                        "/v1/admin/tenants/" + r.tenant() + "/keys/" + TestTenants.idOf(TestTenants.key(r.tenant(), Role.VIEWER))),
                        roles(403, 403, 200, 200), hiddenButToOperators));
    }

    /** A new member (a viewer) of the tenant, granted by the operator; returns its subject. */
    private static String member(String tenant) {
        String subject = "matrix-" + java.util.UUID.randomUUID();
        given().contentType(io.restassured.http.ContentType.JSON).body("{\"role\": \"viewer\"}")
                .put("/v1/admin/tenants/" + tenant + "/members/" + subject).then().statusCode(200);
        return subject;
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointAnswersEveryRoleOnItsOwnTenantAndAnothers() {
        String own = TestTenants.create("own");
        String other = TestTenants.create("other");
        Map<Role, String> ownKeys = TestTenants.keys(own);
        Resources ownResources = Resources.of(own, ownKeys);
        Resources otherResources = Resources.of(other, TestTenants.keys(other));

        List<DynamicTest> cases = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            cases.add(DynamicTest.dynamicTest(endpoint.name() + " without credentials", () ->
                    check(endpoint.call().apply(ownResources), null, 401)));
            cases.add(DynamicTest.dynamicTest(endpoint.name() + " with an unknown key", () ->
                    check(endpoint.call().apply(ownResources), "easel_sk_0000000000000000_" + "A".repeat(43), 401)));
            for (int i = 0; i < ROLES.length; i++) {
                Role role = ROLES[i];
                int ownStatus = endpoint.own()[i];
                cases.add(DynamicTest.dynamicTest(endpoint.name() + " by " + role.wireName() + ", own tenant", () ->
                        check(endpoint.call().apply(ownResources), ownKeys.get(role), ownStatus)));
                if (endpoint.other() != null) {
                    int otherStatus = endpoint.other()[i];
                    cases.add(DynamicTest.dynamicTest(endpoint.name() + " by " + role.wireName() + ", other tenant", () ->
                            check(endpoint.call().apply(otherResources), ownKeys.get(role), otherStatus)));
                }
            }
        }
        return cases.stream();
    }

    private static void check(Call call, String key, int status) {
        // Without a key: without the suite's filter that adds one, so no Authorization at all.
        RequestSpecification spec = key == null ? call.body().apply(given().noFilters())
                : call.body().apply(given()).header("Authorization", TestTenants.bearer(key));
        Response response = spec.request(call.method(), call.path());
        assertThat(response.statusCode()).as("%s %s: %s", call.method(), call.path(), response.asString())
                .isEqualTo(status);
        String code = switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            default -> null;
        };
        if (code != null) {
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.<String>path("code")).isEqualTo(code);
        }
        if (status == 401) {
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer realm=\"easel\"");
        }
    }
}
