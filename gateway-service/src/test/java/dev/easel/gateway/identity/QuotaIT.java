package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quotas of tenants and keys: jobs queued or running at once, images a day and a month. */
@QuarkusTest
class QuotaIT {

    @Test
    void aTenantsActiveJobsAreBoundedAndAFinishedJobFreesItsPlace() {
        String tenant = TestTenants.create("quota-active");
        given().contentType(ContentType.JSON).body("{\"quotas\": {\"active_jobs\": 2}}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200).body("quotas.active_jobs", org.hamcrest.Matchers.equalTo(2));
        String member = TestTenants.key(tenant, Role.MEMBER);
        String first = submit(member, "{\"prompt\": \"one\"}").path("id");
        assertThat(submit(member, "{\"prompt\": \"two\"}").statusCode()).isEqualTo(202);

        Response refused = submit(member, "{\"prompt\": \"three\"}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.<String>path("code")).isEqualTo("quota_exceeded");
        assertThat(refused.<String>path("detail")).contains("tenant's quota of 2 queued or running jobs");
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        // Another key of the tenant counts against the same quota.
        assertThat(submit(TestTenants.key(tenant, Role.MEMBER), "{\"prompt\": \"three\"}").statusCode()).isEqualTo(429);

        as(member).post("/v1/jobs/" + first + "/cancel").then().statusCode(200);
        assertThat(submit(member, "{\"prompt\": \"three\"}").statusCode()).isEqualTo(202);
    }

    @Test
    void aKeysImagesADayAreBoundedAndTheRetryIsTheNextUtcDay() {
        String tenant = TestTenants.create("quota-images");
        String limited = given().contentType(ContentType.JSON)
                .body("{\"name\": \"small\", \"role\": \"member\", \"quotas\": {\"images_per_day\": 3}}")
                .post("/v1/admin/tenants/" + tenant + "/keys").then().statusCode(201).extract().path("key");
        assertThat(submit(limited, "{\"prompt\": \"pair\", \"num_images\": 2}").statusCode()).isEqualTo(202);

        Response refused = submit(limited, "{\"prompt\": \"another pair\", \"num_images\": 2}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.<String>path("code")).isEqualTo("quota_exceeded");
        long untilMidnight = ChronoUnit.SECONDS.between(LocalDateTime.now(ZoneOffset.UTC),
                LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay());
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(untilMidnight - 5, untilMidnight + 5);

        assertThat(submit(limited, "{\"prompt\": \"the last one\", \"num_images\": 1}").statusCode()).isEqualTo(202);
        // The key's quota is its own: another key of the tenant is not bounded by it.
        assertThat(submit(TestTenants.key(tenant, Role.MEMBER), "{\"prompt\": \"free\", \"num_images\": 4}").statusCode())
                .isEqualTo(202);
        // An invalid request is refused as invalid, not counted or refused for the quota.
        assertThat(submit(limited, "{\"prompt\": \"\", \"num_images\": 9}").statusCode()).isEqualTo(400);
    }

    @Test
    void quotasAreValidatedAndCanBeCleared() {
        String tenant = TestTenants.create("quota-bad");
        for (String quotas : List.of("{\"active_jobs\": -1}", "{\"active_jobs\": 1.5}", "{\"per_hour\": 3}", "{}", "7")) {
            Response answer = given().contentType(ContentType.JSON).body("{\"quotas\": " + quotas + "}")
                    .patch("/v1/admin/tenants/" + tenant);
            assertThat(answer.statusCode()).as(quotas).isEqualTo(400);
            assertThat(answer.<String>path("errors[0].field")).startsWith("quotas");
        }
        given().contentType(ContentType.JSON).body("{\"quotas\": {\"active_jobs\": 0}}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200);
        String member = TestTenants.key(tenant, Role.MEMBER);
        assertThat(submit(member, "{\"prompt\": \"nothing allowed\"}").statusCode()).isEqualTo(429);
        given().contentType(ContentType.JSON).body("{\"quotas\": null}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200).body("quotas", org.hamcrest.Matchers.nullValue());
        // The member's key was read before the change; it is read again after easel.auth.key-cache-ttl.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> submit(member, "{\"prompt\": \"allowed again\"}").statusCode() == 202);
    }

    private static io.restassured.specification.RequestSpecification as(String key) {
        return given().header("Authorization", TestTenants.bearer(key));
    }

    private static Response submit(String key, String body) {
        return as(key).contentType(ContentType.JSON).body(body).post("/v1/jobs");
    }
}
