package dev.easel.gateway.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessIT {

    @Test
    void isReadyWhenPostgresKafkaRedisAndStorageAnswer() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("database", "kafka", "redis", "storage"))
                .body("checks.find { it.name == 'database' }.data.schema_version", equalTo(Migrations.latest()))
                .body("checks.find { it.name == 'database' }.data.pending_migrations", equalTo(0))
                .body("checks.find { it.name == 'kafka' }.data.brokers", equalTo(1));
    }

    @Test
    void isAliveWithoutCheckingDependencies() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
