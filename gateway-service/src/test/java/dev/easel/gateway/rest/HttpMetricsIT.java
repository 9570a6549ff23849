package dev.easel.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.ManagementPort;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Requests for paths no route matches are counted under one uri label: a client sending a wrong method to made-up
 * job ids, or made-up paths without a key, once got a label each, until the metrics' uri budget was full and real
 * routes were no longer counted.
 */
@QuarkusTest
class HttpMetricsIT {

    @Test
    void madeUpPathsShareOneUriLabelAndRealRoutesKeepTheirTemplates() {
        String marker = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 150; i++) {
            given().delete("/v1/jobs/" + marker + "-" + i).then().statusCode(405);
            given().header("Authorization", "Bearer nothing").get("/v1/" + marker + "/" + i).then().statusCode(401);
        }
        given().get("/v1/jobs/" + UUID.randomUUID()).then().statusCode(404);

        List<String> requests = given().get(ManagementPort.url("/q/metrics")).then().statusCode(200).extract().asString()
                .lines().filter(line -> line.startsWith("http_server_requests_seconds_count")).toList();
        assertThat(requests).noneMatch(line -> line.contains(marker));
        assertThat(requests).anyMatch(line -> line.contains("uri=\"UNKNOWN\"") && line.contains("status=\"405\""));
        assertThat(requests).anyMatch(line -> line.contains("uri=\"UNKNOWN\"") && line.contains("status=\"401\""));
        assertThat(requests).anyMatch(line -> line.contains("uri=\"/v1/jobs/{id}\"") && line.contains("status=\"404\""));
    }
}
