package dev.easel.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.easel.gateway.identity.Role;
import dev.easel.gateway.identity.TestTenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * List cursors are sealed to the list they came from: they page through it, and a forged or altered one, or one
 * carried to another tenant's list or another filter, is a 400, never a query (a forged far-future position once
 * reached PostgreSQL and answered 500).
 */
@QuarkusTest
class ListCursorsIT {

    @Test
    void aJobListPagesWithItsCursorAndRefusesEveryOtherUse() {
        String tenant = TestTenants.create("cursors");
        String member = TestTenants.key(tenant, Role.MEMBER);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            submitted.add(as(member).contentType(ContentType.JSON).body("{\"prompt\": \"page " + i + " " + UUID.randomUUID() + "\"}")
                    .post("/v1/jobs").then().statusCode(202).extract().path("id"));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Response page = as(member).queryParam("limit", 1).queryParam("status", "queued")
                    .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor)).get("/v1/jobs");
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            seen.addAll(page.jsonPath().getList("data.id"));
            cursor = page.path("next_cursor");
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(submitted.reversed());

        String issued = as(member).queryParam("limit", 1).queryParam("status", "queued").get("/v1/jobs").path("next_cursor");
        String other = TestTenants.key(TestTenants.create("cursors-other"), Role.ADMIN);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("99999999999999:0:" + submitted.getFirst()).getBytes(StandardCharsets.UTF_8));
        assertRefused(as(member).queryParam("status", "queued").queryParam("cursor", issued.replaceFirst("^.", "A")).get("/v1/jobs"));
        assertRefused(as(member).queryParam("status", "succeeded").queryParam("cursor", issued).get("/v1/jobs"));
        assertRefused(as(member).queryParam("cursor", issued).get("/v1/jobs"));
        assertRefused(as(other).queryParam("status", "queued").queryParam("cursor", issued).get("/v1/jobs"));
        assertRefused(as(member).queryParam("cursor", forged).get("/v1/jobs"));
        assertRefused(as(member).queryParam("cursor", forged + issued.substring(issued.indexOf('.'))).get("/v1/jobs"));
    }

    @Test
    void aCallLogCursorBelongsToItsTenantAndFilters() {
        String tenant = TestTenants.create("cursor-log");
        String admin = TestTenants.key(tenant, Role.ADMIN);
        for (int i = 0; i < 3; i++) {
            as(admin).get("/v1/me").then().statusCode(200);
        }
        String issued = await().atMost(Duration.ofSeconds(30)).until(
                () -> as(admin).queryParam("limit", 1).queryParam("method", "GET").get("/v1/audit").<String>path("next_cursor"),
                c -> c != null);

        Response next = as(admin).queryParam("limit", 1).queryParam("method", "GET").queryParam("cursor", issued).get("/v1/audit");
        assertThat(next.statusCode()).as(next.asString()).isEqualTo(200);
        assertRefused(as(admin).queryParam("limit", 1).queryParam("method", "POST").queryParam("cursor", issued).get("/v1/audit"));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("s:9223372036854775807".getBytes(StandardCharsets.UTF_8));
        assertRefused(as(admin).queryParam("cursor", forged).get("/v1/audit"));
        String otherAdmin = TestTenants.key(TestTenants.create("cursor-log-other"), Role.ADMIN);
        assertRefused(as(otherAdmin).queryParam("limit", 1).queryParam("method", "GET").queryParam("cursor", issued).get("/v1/audit"));
    }

    private static void assertRefused(Response answer) {
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(400);
        assertThat(answer.<String>path("errors[0].field")).isEqualTo("cursor");
    }

    private static RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }
}
