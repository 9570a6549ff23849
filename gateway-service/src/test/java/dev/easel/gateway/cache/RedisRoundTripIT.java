package dev.easel.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RedisRoundTripIT {

    @Inject
    RedisDataSource redis;

    @Test
    void setsReadsExpiresAndDeletesAKey() {
        var values = redis.value(String.class);
        String key = "easel-it:" + UUID.randomUUID();

        values.set(key, "hello", new SetArgs().ex(Duration.ofMinutes(1)));
        assertThat(values.get(key)).isEqualTo("hello");
        assertThat(redis.key().ttl(key)).isBetween(1L, 60L);

        assertThat(redis.key().del(key)).isEqualTo(1);
        assertThat(values.get(key)).isNull();
    }
}
