package dev.easel.gateway.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.ManagementPort;
import dev.easel.testsupport.LocalStack;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Readiness follows Kafka: DOWN soon after the broker dies, UP soon after it is back. */
@QuarkusTest
class KafkaOutageIT {

    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @Test
    void readinessTurnsDownWhenKafkaStopsAndUpWhenItReturns() {
        assertThat(readinessStatus()).isEqualTo(200);
        try {
            LocalStack.run("stack", "kafka-down");
            Duration down = timeUntilStatus(503);
            Log.infof("readiness DOWN %d ms after Kafka stopped", down.toMillis());
            assertThat(given().get(ManagementPort.url("/q/health/ready")).then().extract().path("checks.find { it.name == 'kafka' }.status").toString())
                    .isEqualTo("DOWN");
        } finally {
            Thread restart = restartKafka();
            Duration up = timeUntilStatus(200);
            Log.infof("readiness UP %d ms after the restarted broker accepted connections", up.toMillis());
            join(restart);
        }
    }

    /** Starts Kafka again and returns once its port answers; topic set-up may still be running. */
    private static Thread restartKafka() {
        Thread restart = Thread.ofPlatform().name("kafka-restart").start(() -> LocalStack.run("stack", "up"));
        long start = System.nanoTime();
        while (!LocalStack.answers(LocalStack.HOST, LocalStack.kafkaPort())) {
            assertThat(restart.isAlive() || LocalStack.answers(LocalStack.HOST, LocalStack.kafkaPort()))
                    .as("deploy/local/easel stack up ended without Kafka answering").isTrue();
            sleep();
        }
        Log.infof("broker accepted connections %d ms after the restart began", Duration.ofNanos(System.nanoTime() - start).toMillis());
        return restart;
    }

    private static void join(Thread restart) {
        try {
            assertThat(restart.join(Duration.ofMinutes(2))).as("stack up finished").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int readinessStatus() {
        return given().when().get(ManagementPort.url("/q/health/ready")).then().extract().statusCode();
    }

    private static Duration timeUntilStatus(int expected) {
        long start = System.nanoTime();
        while (readinessStatus() != expected) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).as("readiness still not %d", expected).isLessThan(DEADLINE);
            sleep();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
