package dev.easel.common.cache;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A prompt's meaning as the model's text encoder sees it: a unit-length vector, compared by cosine similarity
 * and bucketed by random-hyperplane locality-sensitive hashing (Charikar, "Similarity estimation techniques from
 * rounding algorithms", STOC 2002: two vectors at angle θ fall on the same side of a random hyperplane with
 * probability 1 − θ/π). In JSON: base64 of the float32 values, little-endian.
 */
public final class PromptEmbedding {

    /** Hash tables per scope: a true match is found when any one table puts both vectors in the same bucket. */
    public static final int TABLES = 8;
    /** Hyperplanes per table: more bits → fewer unrelated candidates per bucket, fewer matches per table. */
    public static final int BITS = 8;
    // Fixed so that every gateway and worker, of any version, computes the same buckets.
    private static final long HYPERPLANE_SEED = 0x6561_7365_6c5f_6c73L;

    private final float[] values;

    private PromptEmbedding(float[] values) {
        this.values = values;
    }

    /** Normalises the vector to unit length. */
    public static PromptEmbedding of(float[] vector) {
        Objects.requireNonNull(vector, "vector");
        if (vector.length == 0) {
            throw new IllegalArgumentException("an embedding has at least one dimension");
        }
        double norm = 0;
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("an embedding is finite");
            }
            norm += (double) v * v;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("an embedding is not the zero vector");
        }
        double scale = 1 / Math.sqrt(norm);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] * scale);
        }
        return new PromptEmbedding(unit);
    }

    public int dimensions() {
        return values.length;
    }

    public float[] values() {
        return values.clone();
    }

    /** Cosine similarity in [-1, 1]; embeddings of different dimensions (different encoders) are unrelated: -1. */
    public double similarity(PromptEmbedding other) {
        if (other.values.length != values.length) {
            return -1;
        }
        double dot = 0;
        for (int i = 0; i < values.length; i++) {
            dot += (double) values[i] * other.values[i];
        }
        return Math.max(-1, Math.min(1, dot));
    }

    /** The bucket of each of the {@link #TABLES} hash tables: {@link #BITS} hyperplane signs as an integer. */
    public int[] buckets() {
        float[][] planes = Hyperplanes.forDimensions(values.length);
        int[] buckets = new int[TABLES];
        for (int table = 0; table < TABLES; table++) {
            int bucket = 0;
            for (int bit = 0; bit < BITS; bit++) {
                float[] plane = planes[table * BITS + bit];
                double side = 0;
                for (int i = 0; i < values.length; i++) {
                    side += (double) plane[i] * values[i];
                }
                bucket = bucket << 1 | (side >= 0 ? 1 : 0);
            }
            buckets[table] = bucket;
        }
        return buckets;
    }

    @JsonValue
    public String base64() {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    @JsonCreator
    public static PromptEmbedding fromBase64(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("an embedding is a whole number of float32 values");
        }
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return of(vector);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PromptEmbedding that && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "PromptEmbedding[" + values.length + " dimensions]";
    }

    /** Gaussian random hyperplanes per dimension count, from java.util.Random's specified generator. */
    private static final class Hyperplanes {

        private static final ConcurrentHashMap<Integer, float[][]> BY_DIMENSIONS =
                new ConcurrentHashMap<>();

        static float[][] forDimensions(int dimensions) {
            return BY_DIMENSIONS.computeIfAbsent(dimensions, d -> {
                Random random = new Random(HYPERPLANE_SEED ^ d);
                float[][] planes = new float[TABLES * BITS][d];
                for (float[] plane : planes) {
                    for (int i = 0; i < d; i++) {
                        plane[i] = (float) random.nextGaussian();
                    }
                }
                return planes;
            });
        }
    }
}
