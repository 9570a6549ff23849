package dev.easel.worker.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessIT {

    @Test
    void isReadyWhenKafkaRedisStorageAnswerAndTheModelIsWarm() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("kafka", "redis", "storage", "model"))
                .body("checks.find { it.name == 'model' }.data.model", equalTo("tiny-shapes@1.2.0"))
                .body("checks.find { it.name == 'model' }.data.provider", equalTo("cpu"))
                .body("checks.name", not(hasItems("database")));
    }
}
