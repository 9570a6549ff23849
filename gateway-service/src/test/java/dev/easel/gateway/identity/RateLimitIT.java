package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testsupport.ServiceProcess;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Request-rate limits per tenant and per key, in Redis, shared by gateway replicas. */
@QuarkusTest
class RateLimitIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;

    @Test
    void aKeysLimitAdmitsItsBurstThenRefusesWithTheHeaders() throws Exception {
        String tenant = TestTenants.create("rate");
        String key = limitedKey(tenant, 2, 5);

        List<HttpResponse<String>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            answers.add(get(base.toURI(), key));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long admitted = answers.stream().filter(a -> a.statusCode() == 200).count();
        // At least the burst; at most the burst, what refilled while the requests ran, and one for rounding.
        assertThat((double) admitted).isBetween(5.0, 5 + 2 * seconds + 1);
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.headers().firstValue("RateLimit-Policy")).contains("\"key\";q=5;w=3");
            assertThat(answer.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).matches("\"key\";r=\\d+;t=\\d+"));
            if (answer.statusCode() != 200) {
                assertThat(answer.statusCode()).isEqualTo(429);
                assertThat(answer.body()).contains("\"code\":\"rate_limited\"");
                assertThat(answer.headers().firstValue("Retry-After")).contains("1");
            }
        }
        Thread.sleep(1_100);
        assertThat(get(base.toURI(), key).statusCode()).as("a token refilled after a second").isEqualTo(200);
        // Another key of the tenant has no limit of its own.
        assertThat(get(base.toURI(), TestTenants.key(tenant, Role.VIEWER)).headers().firstValue("RateLimit")).isEmpty();
    }

    @Test
    void aTenantsLimitIsSharedByItsKeysAndClearingItLiftsIt() throws Exception {
        String tenant = TestTenants.create("rate-tenant");
        String one = TestTenants.key(tenant, Role.MEMBER);
        String two = TestTenants.key(tenant, Role.MEMBER);
        given().contentType(ContentType.JSON).body("{\"rate_limit\": {\"per_second\": 0.5, \"burst\": 4}}")
                .patch("/v1/admin/tenants/" + tenant).then().statusCode(200);
        awaitKeysReread();

        int admitted = 0;
        for (int i = 0; i < 5; i++) {
            admitted += get(base.toURI(), one).statusCode() == 200 ? 1 : 0;
            admitted += get(base.toURI(), two).statusCode() == 200 ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(4);
        HttpResponse<String> refused = get(base.toURI(), two);
        assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"tenant\";q=4;w=8");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));

        given().contentType(ContentType.JSON).body("{\"rate_limit\": null}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200).body("rate_limit", org.hamcrest.Matchers.nullValue());
        awaitKeysReread();
        assertThat(get(base.toURI(), one).statusCode()).isEqualTo(200);
    }

    @Test
    void twoReplicasShareOneBucket() throws Exception {
        String tenant = TestTenants.create("rate-replicas");
        String key = limitedKey(tenant, 10, 10);
        try (ServiceProcess second = SecondReplica.start("rate-replica")) {
            List<URI> replicas = List.of(base.toURI(), second.uri("/"));
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                burst.add(HTTP.sendAsync(request(replicas.get(i % 2), key), HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();
            double seconds = (System.nanoTime() - start) / 1e9;
            long admitted = answers.stream().filter(a -> a.statusCode() == 200).count();
            System.out.printf("two replicas, 40 requests in %.3f s against 10/s burst 10: %d admitted%n", seconds, admitted);
            assertThat((double) admitted).isBetween(10.0, 10 + 10 * seconds + 1);
            assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(200, 429));
            assertThat(answers).filteredOn(a -> a.statusCode() == 429)
                    .allSatisfy(a -> assertThat(a.headers().firstValue("Retry-After")).isPresent())
                    .extracting(a -> a.uri().getPort()).containsOnly(base.getPort(), second.uri("/").getPort());
        }
    }

    @Test
    void limitsAreValidated() {
        String tenant = TestTenants.create("rate-bad");
        for (String limit : List.of("{\"per_second\": 0, \"burst\": 1}", "{\"per_second\": 1}", "{\"per_second\": 1, \"burst\": 0}",
                "{\"per_second\": 1, \"burst\": 2.5}", "\"fast\"", "{\"per_second\": 1, \"burst\": 1, \"x\": 1}")) {
            Response answer = given().contentType(ContentType.JSON).body("{\"rate_limit\": " + limit + "}")
                    .patch("/v1/admin/tenants/" + tenant);
            assertThat(answer.statusCode()).as(limit).isEqualTo(400);
            assertThat(answer.<String>path("errors[0].field")).isEqualTo("rate_limit");
        }
    }

    /** A new member key of the tenant limited to {@code perSecond} with {@code burst}. */
    private static String limitedKey(String tenant, double perSecond, int burst) {
        return given().contentType(ContentType.JSON).body("{\"name\": \"limited\", \"role\": \"member\", \"rate_limit\": "
                        + "{\"per_second\": " + perSecond + ", \"burst\": " + burst + "}}")
                .post("/v1/admin/tenants/" + tenant + "/keys").then().statusCode(201).extract().path("key");
    }

    /** Keys read before a tenant changed are trusted for easel.auth.key-cache-ttl (1 s). */
    private static void awaitKeysReread() throws InterruptedException {
        Thread.sleep(1_100);
    }

    private static HttpResponse<String> get(URI base, String key) throws Exception {
        return HTTP.send(request(base, key), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(URI base, String key) {
        return HttpRequest.newBuilder(base.resolve("/v1/me")).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(10)).build();
    }
}
