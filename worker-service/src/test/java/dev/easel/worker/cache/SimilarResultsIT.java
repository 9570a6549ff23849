package dev.easel.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.event.ResultImage;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.storage.StorageKeys;
import dev.easel.worker.storage.ResultStore;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The similar-prompt index's store against the real Redis: what it writes, trims and lets expire. */
@QuarkusTest
class SimilarResultsIT {

    @Inject
    SimilarResults similar;

    @Inject
    RedisDataSource redis;

    @Inject
    ResultStore results;

    @Test
    void aStoredResultIsAnEntryInItsOrderAndInOneBucketPerBandAllWithTheScopeTtl() {
        SimilarReuse where = newScope(100, false);
        String prefix = where.index();
        String job = UUID.randomUUID().toString();

        similar.store(where, job, embedding(1), images(job));

        assertThat(redis.hash(String.class).hget(prefix + ":entries", job)).contains(StorageKeys.output("acme", job, 0));
        assertThat(redis.sortedSet(String.class).zscore(prefix + ":order", job)).isNotEmpty();
        List<String> buckets = redis.key().keys(prefix + ":lsh:*");
        assertThat(buckets).hasSize(SimilarResults.BANDS);
        assertThat(buckets).allSatisfy(b -> assertThat(redis.set(String.class).sismember(b, job)).isTrue());
        assertThat(redis.hash(String.class).hget(prefix + ":bands", job).split(",")).hasSize(SimilarResults.BANDS);
        for (String key : concat(buckets, prefix + ":entries", prefix + ":order", prefix + ":bands")) {
            assertThat(redis.key().pttl(key)).as(key).isBetween(1L, where.ttl().toMillis());
        }
    }

    @Test
    void beyondTheEntryLimitTheOldestEntriesLeave() throws Exception {
        SimilarReuse where = newScope(2, false);
        String prefix = where.index();
        List<String> jobs = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        for (int i = 0; i < jobs.size(); i++) {
            similar.store(where, jobs.get(i), embedding(i + 1), images(jobs.get(i)));
            Thread.sleep(2); // distinct store times order the entries
        }

        assertThat(redis.sortedSet(String.class).zcard(prefix + ":order")).isEqualTo(2);
        assertThat(redis.hash(String.class).hkeys(prefix + ":entries")).containsExactlyInAnyOrder(jobs.get(1), jobs.get(2));
        assertThat(redis.sortedSet(String.class).zscore(prefix + ":order", jobs.getFirst())).isEmpty();
        assertThat(redis.hash(String.class).hkeys(prefix + ":bands")).containsExactlyInAnyOrder(jobs.get(1), jobs.get(2));
        assertThat(redis.key().keys(prefix + ":lsh:*")).as("the oldest entry left its buckets too")
                .allSatisfy(b -> assertThat(redis.set(String.class).sismember(b, jobs.getFirst())).isFalse());
    }

    @Test
    void anEntryWhoseImagesAreGoneIsRemovedWithItsBuckets() {
        SimilarReuse where = newScope(100, true);
        String prefix = where.index();
        String job = UUID.randomUUID().toString(); // its images were never uploaded

        similar.store(where, job, embedding(1), images(job));
        assertThat(similar.find(where, embedding(1), 0.9)).isEmpty();

        assertThat(redis.hash(String.class).hlen(prefix + ":entries")).isZero();
        assertThat(redis.hash(String.class).hlen(prefix + ":bands")).isZero();
        assertThat(redis.sortedSet(String.class).zcard(prefix + ":order")).isZero();
        assertThat(redis.key().keys(prefix + ":lsh:*")).as("an emptied set is no key").isEmpty();
    }

    @Test
    void theCandidatesReadAreThoseSharingTheMostBandsSoACloseEntryIsFoundAmongManyFarOnes() {
        SimilarReuse where = newScope(10_000, true);
        String prefix = where.index();
        Hyperplanes planes = new Hyperplanes(SimilarResults.BANDS * SimilarResults.BITS);
        float[] query = unit(new SplittableRandom(7), 32);
        long[] querySignature = planes.signature(query);

        // Far entries (cosine < 0.5) that each share at least one band with the query, 40 times the candidate
        // limit: read in any order, the close entry would be among the candidates 1 time in 40.
        SplittableRandom random = new SplittableRandom(11);
        int far = 0;
        while (far < 40 * SimilarResults.MAX_CANDIDATES) {
            float[] v = unit(random, 32);
            if (SimilarResults.dot(query, v) < 0.5 && sharedBands(planes.signature(v), querySignature) > 0) {
                similar.store(where, "far-" + far++, v, images(UUID.randomUUID().toString()));
            }
        }
        String close = UUID.randomUUID().toString();
        similar.store(where, close, query, images(close));
        storeImagesOf(close);

        assertThat(similar.find(where, query, 0.9)).get()
                .satisfies(m -> assertThat(m.jobId()).isEqualTo(close))
                .satisfies(m -> assertThat(m.similarity()).isGreaterThan(0.999));
    }

    @Test
    void idsWhoseEntryIsGoneDoNotTakeACandidatesPlaceAndLeaveTheBuckets() {
        SimilarReuse where = newScope(1_000, true);
        String prefix = where.index();
        float[] query = embedding(3);
        long[] signature = new Hyperplanes(SimilarResults.BANDS * SimilarResults.BITS).signature(query);
        // Ids in every bucket of the query with no entry (as an older worker's trim left them), all sorting before
        // the real entry's id, more of them than the candidate limit.
        int orphans = 2 * SimilarResults.MAX_CANDIDATES;
        for (int band = 0; band < SimilarResults.BANDS; band++) {
            String bucket = SimilarResults.bucket(prefix, band, signature);
            for (int i = 0; i < orphans; i++) {
                redis.set(String.class).sadd(bucket, String.format("0-orphan-%04d", i));
            }
        }
        String close = "z-" + UUID.randomUUID();
        similar.store(where, close, query, images(close));
        storeImagesOf(close);

        assertThat(similar.find(where, query, 0.9)).get().satisfies(m -> assertThat(m.jobId()).isEqualTo(close));
        for (int band = 0; band < SimilarResults.BANDS; band++) {
            assertThat(redis.set(String.class).smembers(SimilarResults.bucket(prefix, band, signature)))
                    .as("band %d", band).containsExactly(close);
        }
    }

    @Test
    void storingAJobAgainMovesItToItsNewBuckets() {
        SimilarReuse where = newScope(100, false);
        String prefix = where.index();
        String job = UUID.randomUUID().toString();

        similar.store(where, job, embedding(1), images(job));
        similar.store(where, job, embedding(2), images(job));

        Hyperplanes planes = new Hyperplanes(SimilarResults.BANDS * SimilarResults.BITS);
        long[] now = planes.signature(embedding(2));
        List<String> current = IntStream.range(0, SimilarResults.BANDS)
                .mapToObj(band -> SimilarResults.bucket(prefix, band, now)).toList();
        assertThat(redis.key().keys(prefix + ":lsh:*")).as("only the buckets of the latest embedding hold the job")
                .containsExactlyInAnyOrderElementsOf(current);
        assertThat(redis.hash(String.class).hlen(prefix + ":entries")).isEqualTo(1);
    }

    /** A scope of its own (a fresh prefix) with the TTL every test uses. */
    private static SimilarReuse newScope(int maxEntries, boolean lookup) {
        return new SimilarReuse("easel-it:similar:" + UUID.randomUUID(), Duration.ofMinutes(10), maxEntries, lookup);
    }

    /** Puts {@code job}'s images in storage, so that a lookup finding it can answer with them. */
    private void storeImagesOf(String job) {
        for (ResultImage image : images(job)) {
            results.put(image.key(), new byte[] {1}, "image/png");
        }
    }

    private static List<ResultImage> images(String job) {
        return List.of(new ResultImage(0, StorageKeys.output("acme", job, 0), StorageKeys.thumbnail("acme", job, 0), 64, 64, 1L,
                "image/png"));
    }

    private static float[] embedding(int direction) {
        float[] v = new float[16];
        v[direction % v.length] = 1;
        return v;
    }

    private static float[] unit(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int d = 0; d < dimension; d++) {
            v[d] = (float) (random.nextDouble() * 2 - 1);
            norm += v[d] * v[d];
        }
        for (int d = 0; d < dimension; d++) {
            v[d] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static int sharedBands(long[] a, long[] b) {
        int shared = 0;
        for (int band = 0; band < a.length; band++) {
            shared += a[band] == b[band] ? 1 : 0;
        }
        return shared;
    }

    private static List<String> concat(List<String> keys, String... more) {
        return Stream.concat(keys.stream(), Stream.of(more)).toList();
    }
}
