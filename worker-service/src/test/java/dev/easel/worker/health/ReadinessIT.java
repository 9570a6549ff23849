package dev.easel.worker.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessIT {

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @TestHTTPResource("/")
    URL api;

    @Test
    void isReadyWhenKafkaRedisStorageAnswerAndTheModelIsWarm() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get(url("/q/health/ready")).statusCode() == 200);
        given().when().get(url("/q/health/ready"))
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("kafka", "redis", "storage", "model"))
                .body("checks.find { it.name == 'model' }.data.model", equalTo("tiny-shapes@1.2.0"))
                .body("checks.find { it.name == 'model' }.data.provider", equalTo("cpu"))
                .body("checks.name", not(hasItems("database")));
    }

    @Test
    void healthMetricsAndDrainAnswerOnTheManagementPortOnly() {
        given().get(url("/q/health/live")).then().statusCode(200).body("checks.name", hasItems("drain"));
        given().get(url("/q/metrics")).then().statusCode(200);
        given().post(url("/drain")).then().statusCode(401);
        given().header("Authorization", "Bearer not-the-token").post(url("/drain")).then().statusCode(401);
        given().get(url("/q/health/ready")).then().statusCode(200);
        for (String path : List.of("/q/health/ready", "/q/metrics", "/drain")) {
            given().get(api.toString().replaceAll("/$", "") + path).then().statusCode(404);
        }
    }

    private String url(String path) {
        // The management URL names its root path, /q.
        return management.toString().replaceAll("/+$", "").replaceAll("/q$", "") + path;
    }
}
