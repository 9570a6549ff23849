package dev.easel.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.event.ResultImage;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.storage.StorageKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The similar-prompt index's store against the real Redis: what it writes, trims and lets expire. */
@QuarkusTest
class SimilarResultsIT {

    @Inject
    SimilarResults similar;

    @Inject
    RedisDataSource redis;

    @Test
    void aStoredResultIsAnEntryInItsOrderAndInOneBucketPerBandAllWithTheScopeTtl() {
        String prefix = "easel-it:similar:" + UUID.randomUUID();
        SimilarReuse where = new SimilarReuse(prefix, Duration.ofMinutes(10), 100, false);
        String job = UUID.randomUUID().toString();

        similar.store(where, job, embedding(1), images(job));

        assertThat(redis.hash(String.class).hget(prefix + ":entries", job)).contains(StorageKeys.output(job, 0));
        assertThat(redis.sortedSet(String.class).zscore(prefix + ":order", job)).isNotEmpty();
        List<String> buckets = redis.key().keys(prefix + ":lsh:*");
        assertThat(buckets).hasSize(SimilarResults.BANDS);
        assertThat(buckets).allSatisfy(b -> assertThat(redis.set(String.class).sismember(b, job)).isTrue());
        for (String key : concat(buckets, prefix + ":entries", prefix + ":order")) {
            assertThat(redis.key().pttl(key)).as(key).isBetween(1L, Duration.ofMinutes(10).toMillis());
        }
    }

    @Test
    void beyondTheEntryLimitTheOldestEntriesLeave() throws Exception {
        String prefix = "easel-it:similar:" + UUID.randomUUID();
        SimilarReuse where = new SimilarReuse(prefix, Duration.ofMinutes(10), 2, false);
        List<String> jobs = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        for (int i = 0; i < jobs.size(); i++) {
            similar.store(where, jobs.get(i), embedding(i + 1), images(jobs.get(i)));
            Thread.sleep(2); // distinct store times order the entries
        }

        assertThat(redis.sortedSet(String.class).zcard(prefix + ":order")).isEqualTo(2);
        assertThat(redis.hash(String.class).hkeys(prefix + ":entries")).containsExactlyInAnyOrder(jobs.get(1), jobs.get(2));
        assertThat(redis.sortedSet(String.class).zscore(prefix + ":order", jobs.getFirst())).isEmpty();
    }

    private static List<ResultImage> images(String job) {
        return List.of(new ResultImage(0, StorageKeys.output(job, 0), StorageKeys.thumbnail(job, 0), 64, 64, 1L,
                "image/png"));
    }

    private static float[] embedding(int direction) {
        float[] v = new float[16];
        v[direction % v.length] = 1;
        return v;
    }

    private static List<String> concat(List<String> keys, String... more) {
        return Stream.concat(keys.stream(), Stream.of(more)).toList();
    }
}
