package dev.easel.gateway.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.easel.gateway.ManagementPort;
import dev.easel.platform.storage.StorageConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A ready gateway reaches everything it needs: readiness reports each dependency up, and the Redis and S3 clients
 * it is configured with really write, read, expire and delete there.
 */
@QuarkusTest
class ReadinessIT {

    @Inject
    RedisDataSource redis;

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    @Test
    void isReadyWhenPostgresKafkaRedisAndStorageAnswer() {
        given().when().get(ManagementPort.url("/q/health/ready"))
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("database", "kafka", "redis", "storage"))
                .body("checks.find { it.name == 'database' }.data.schema_version", equalTo(Migrations.latest()))
                .body("checks.find { it.name == 'database' }.data.pending_migrations", equalTo(0))
                .body("checks.find { it.name == 'kafka' }.data.brokers", equalTo(1));
    }

    @Test
    void isAliveWithoutCheckingDependencies() {
        given().when().get(ManagementPort.url("/q/health/live")).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theRedisClientSetsReadsExpiresAndDeletesAKey() {
        var values = redis.value(String.class);
        String key = "easel-it:" + UUID.randomUUID();

        values.set(key, "hello", new SetArgs().ex(Duration.ofMinutes(1)));
        assertThat(values.get(key)).isEqualTo("hello");
        assertThat(redis.key().ttl(key)).isBetween(1L, 60L);

        assertThat(redis.key().del(key)).isEqualTo(1);
        assertThat(values.get(key)).isNull();
    }

    @Test
    void theStorageClientPutsGetsAndDeletesAnObject() {
        String key = "it/" + UUID.randomUUID() + ".txt";
        byte[] body = ("easel " + key).getBytes(StandardCharsets.UTF_8);

        s3.putObject(b -> b.bucket(storage.bucket()).key(key).contentType("text/plain"), RequestBody.fromBytes(body));
        var stored = s3.getObjectAsBytes(b -> b.bucket(storage.bucket()).key(key));
        assertThat(stored.asByteArray()).isEqualTo(body);
        assertThat(stored.response().contentType()).isEqualTo("text/plain");

        s3.deleteObject(b -> b.bucket(storage.bucket()).key(key));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(storage.bucket()).key(key)))
                .isInstanceOf(NoSuchKeyException.class);
    }
}
