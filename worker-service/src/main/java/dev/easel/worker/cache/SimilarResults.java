package dev.easel.worker.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.easel.common.event.ResultImage;
import dev.easel.common.event.SimilarReuse;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.json.JsonCodecException;
import dev.easel.worker.storage.ResultStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The similar-prompt index in Redis: finished results of one scope ({@link SimilarReuse#index()}) with the
 * embedding of their prompt, and a lookup that finds the stored result whose prompt is closest to a new one.
 *
 * <p>Layout under the scope's prefix {@code P}: {@code P:entries} (hash: job id → {@link Entry} JSON),
 * {@code P:order} (sorted set: job id by store time, for the entry limit), {@code P:lsh:<band>:<bits>} (sets of
 * job ids) and {@code P:bands} (hash: job id → its buckets, so that an entry leaving also leaves its buckets). The
 * lookup is bounded: random-hyperplane LSH (Charikar 2002: a hyperplane separates two vectors with probability
 * angle/π) hashes an embedding to {@value #BANDS} bands of {@value #BITS} sign bits; of the entries sharing a band
 * with the query, the {@value #MAX_CANDIDATES} sharing the most bands (the likeliest to be close) are read, and
 * their exact cosines decide. A store writes an entry, its buckets and the trim in one Lua script; all keys it
 * touches expire {@code ttl} after it. Redis being away is never the job's failure: the lookup answers "nothing
 * found" and the store is skipped, both logged and counted. The scripts reach bucket keys they are not given (a
 * leaving entry's), which standalone and Sentinel Redis allow and Redis Cluster does not.
 */
@ApplicationScoped
public class SimilarResults {

    static final int BANDS = 12;
    static final int BITS = 8;
    static final int MAX_CANDIDATES = 64;
    /**
     * Ids read from one bucket at most; a larger bucket (prompts clustered in a big scope) is sampled
     * ({@code SRANDMEMBER}). With 20,000 ids in each of the 12 buckets the script took Redis 62–106 ms reading them
     * all, during which it answered nothing else, and 9–10 ms reading 512 of each. A close entry shares most
     * buckets with the query, so a sample misses it only where most of them are large (each kept with probability
     * 512 / its size).
     */
    static final int MAX_BUCKET_READ = 512;

    /** Lua: removes entry {@code id} from the entries, order and bands of prefix {@code prefix}, buckets included. */
    private static final String FORGET = """
            local function forget(entries, order, bands, prefix, id)
              local buckets = redis.call('HGET', bands, id)
              if buckets then
                for bucket in string.gmatch(buckets, '[^,]+') do
                  redis.call('SREM', prefix .. ':lsh:' .. bucket, id)
                end
              end
              redis.call('HDEL', entries, id)
              redis.call('HDEL', bands, id)
              redis.call('ZREM', order, id)
            end
            """;

    /**
     * KEYS: entries hash, order sorted set, bands hash, then the entry's LSH buckets. ARGV: job id, entry JSON,
     * store time (epoch ms), entry limit, TTL (ms), the buckets' {@code band:bits} joined by commas, prefix. Adds
     * the entry (after removing an earlier one of the same job, whose buckets may differ: a re-run on another
     * execution provider), removes the oldest beyond the limit (from their buckets too) and renews every key's TTL.
     */
    static final String STORE_SCRIPT = FORGET + """
            forget(KEYS[1], KEYS[2], KEYS[3], ARGV[7], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('HSET', KEYS[3], ARGV[1], ARGV[6])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
            for i = 4, #KEYS do
              redis.call('SADD', KEYS[i], ARGV[1])
            end
            local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
            if excess > 0 then
              local oldest = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
              for _, id in ipairs(oldest) do
                forget(KEYS[1], KEYS[2], KEYS[3], ARGV[7], id)
              end
            end
            for i = 1, #KEYS do
              redis.call('PEXPIRE', KEYS[i], ARGV[5])
            end
            return excess
            """;

    /** KEYS: entries hash, order sorted set, bands hash. ARGV: job id, prefix. Removes one entry everywhere. */
    static final String REMOVE_SCRIPT = FORGET + """
            forget(KEYS[1], KEYS[2], KEYS[3], ARGV[2], ARGV[1])
            return 1
            """;

    /**
     * KEYS: entries hash, then the query's LSH buckets. ARGV: candidate limit, ids read per bucket at most (a
     * random sample of a larger one). Counts, for every job id read, how many of the buckets it is in, and answers
     * the entries (id, JSON, id, JSON…) of the ids in the most buckets, at most the limit (among ids in as many
     * buckets, in no particular order). The ids are grouped by their count rather than sorted, so the script's time
     * grows linearly with the ids read. An id whose entry is gone (left by an older worker's trim, or by the
     * entries' TTL) is skipped, so it does not take a candidate's place, and removed from these buckets.
     */
    static final String CANDIDATES_SCRIPT = """
            local shared = {}
            local cap = tonumber(ARGV[2])
            for i = 2, #KEYS do
              local ids
              if redis.call('SCARD', KEYS[i]) > cap then
                ids = redis.call('SRANDMEMBER', KEYS[i], cap)
              else
                ids = redis.call('SMEMBERS', KEYS[i])
              end
              for _, id in ipairs(ids) do
                shared[id] = (shared[id] or 0) + 1
              end
            end
            local byCount = {}
            for id, n in pairs(shared) do
              local group = byCount[n]
              if not group then
                group = {}
                byCount[n] = group
              end
              group[#group + 1] = id
            end
            local out = {}
            local limit = tonumber(ARGV[1])
            for n = #KEYS - 1, 1, -1 do
              for _, id in ipairs(byCount[n] or {}) do
                if #out >= 2 * limit then
                  return out
                end
                local json = redis.call('HGET', KEYS[1], id)
                if json then
                  out[#out + 1] = id
                  out[#out + 1] = json
                else
                  for k = 2, #KEYS do
                    redis.call('SREM', KEYS[k], id)
                  end
                end
              end
            end
            return out
            """;

    private final RedisDataSource redis;
    private final ResultStore store;
    private final Hyperplanes planes = new Hyperplanes(BANDS * BITS);
    private final Counter reused;
    private final Counter notFound;
    private final Counter stored;
    private final Counter gone;
    private final Counter unavailable;
    private final Timer lookups;

    SimilarResults(RedisDataSource redis, ResultStore store, MeterRegistry registry) {
        this.redis = redis;
        this.store = store;
        this.reused = lookups(registry, "reused");
        this.notFound = lookups(registry, "not_found");
        this.unavailable = lookups(registry, "unavailable");
        this.stored = Counter.builder("easel_worker_similar_stored")
                .description("Results stored in the similar-prompt index").register(registry);
        this.gone = Counter.builder("easel_worker_similar_gone")
                .description("Index entries dropped because their images were no longer stored").register(registry);
        this.lookups = Timer.builder("easel_worker_similar_lookup_seconds")
                .description("Similar-prompt lookups in Redis, candidates and storage checks included").register(registry);
    }

    private static Counter lookups(MeterRegistry registry, String result) {
        return Counter.builder("easel_worker_similar_lookups").tag("result", result)
                .description("Similar-prompt lookups by result").register(registry);
    }

    /** A stored result and how close its prompt is to the one looked up (cosine). */
    public record Match(String jobId, List<ResultImage> images, double similarity) {
    }

    /** One stored result: its images and its prompt's embedding (little-endian float32, base64). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(List<ResultImage> images, String embedding, Instant storedAt) {
    }

    /**
     * The stored result of the scope whose prompt embedding is closest to {@code embedding}, if its cosine is at
     * least {@code threshold} and its images are still in storage (an entry whose images are gone is removed).
     */
    public Optional<Match> find(SimilarReuse where, float[] embedding, double threshold) {
        Timer.Sample sample = Timer.start();
        try {
            Optional<Match> match = lookup(where.index(), embedding, threshold);
            (match.isPresent() ? reused : notFound).increment();
            return match;
        } catch (RuntimeException e) {
            unavailable.increment();
            Log.warnf("similar-prompt lookup skipped: %s", e.getMessage());
            return Optional.empty();
        } finally {
            sample.stop(lookups);
        }
    }

    private Optional<Match> lookup(String prefix, float[] embedding, double threshold) {
        long[] signature = planes.signature(embedding);
        List<String> args = new ArrayList<>();
        args.add(CANDIDATES_SCRIPT);
        args.add(String.valueOf(1 + BANDS));
        args.add(prefix + ":entries");
        for (int band = 0; band < BANDS; band++) {
            args.add(bucket(prefix, band, signature));
        }
        args.add(String.valueOf(MAX_CANDIDATES));
        args.add(String.valueOf(MAX_BUCKET_READ));
        Response candidates = redis.execute(Command.EVAL, args.toArray(String[]::new));
        List<Match> close = new ArrayList<>();
        for (int i = 0; i + 1 < candidates.size(); i += 2) {
            String jobId = candidates.get(i).toString();
            Entry entry;
            try {
                entry = JsonCodec.decode(candidates.get(i + 1).toBytes(), Entry.class);
            } catch (JsonCodecException e) {
                Log.warnf("similar-prompt entry %s unreadable, dropped: %s", jobId, e.getMessage());
                remove(prefix, jobId);
                continue;
            }
            double cosine = dot(embedding, floats(entry.embedding()));
            if (cosine >= threshold) {
                close.add(new Match(jobId, entry.images(), cosine));
            }
        }
        close.sort(Comparator.comparingDouble(Match::similarity).reversed());
        for (Match match : close) {
            if (match.images().stream().allMatch(image -> store.exists(image.key()))) {
                return Optional.of(match);
            }
            gone.increment();
            remove(prefix, match.jobId());
        }
        return Optional.empty();
    }

    private void remove(String prefix, String jobId) {
        redis.execute(Command.EVAL, REMOVE_SCRIPT, "3", prefix + ":entries", prefix + ":order", prefix + ":bands",
                jobId, prefix);
    }

    /**
     * Adds a finished result to its scope's index and keeps the scope within its entry limit, in one round trip
     * ({@link #STORE_SCRIPT}); the job runner calls it after the job's {@code Succeeded} event.
     */
    public void store(SimilarReuse where, String jobId, float[] embedding, List<ResultImage> images) {
        String prefix = where.index();
        try {
            Instant now = Instant.now();
            long[] signature = planes.signature(embedding);
            List<String> args = new ArrayList<>();
            args.add(STORE_SCRIPT);
            args.add(String.valueOf(3 + BANDS));
            args.add(prefix + ":entries");
            args.add(prefix + ":order");
            args.add(prefix + ":bands");
            List<String> bands = new ArrayList<>();
            for (int band = 0; band < BANDS; band++) {
                bands.add(band(band, signature));
                args.add(bucket(prefix, band, signature));
            }
            args.add(jobId);
            args.add(new String(JsonCodec.encode(new Entry(images, base64(embedding), now)), StandardCharsets.UTF_8));
            args.add(String.valueOf(now.toEpochMilli()));
            args.add(String.valueOf(where.maxEntries()));
            args.add(String.valueOf(Math.max(1, where.ttl().toMillis())));
            args.add(String.join(",", bands));
            args.add(prefix);
            redis.execute(Command.EVAL, args.toArray(String[]::new));
            stored.increment();
        } catch (RuntimeException e) {
            unavailable.increment();
            Log.warnf("job %s: not added to the similar-prompt index, Redis unavailable: %s", jobId, e.getMessage());
        }
    }

    static String bucket(String prefix, int band, long[] signature) {
        return prefix + ":lsh:" + band(band, signature);
    }

    private static String band(int band, long[] signature) {
        return band + ":" + Long.toHexString(signature[band]);
    }

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            return -1; // another model's embedding: never similar
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static String base64(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    static float[] floats(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
