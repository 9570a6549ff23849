package dev.easel.worker.cache;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Random hyperplanes for locality-sensitive hashing of embeddings by angle (Charikar, "Similarity estimation
 * techniques from rounding algorithms", 2002): bit i of a signature is the sign of the embedding's dot product
 * with plane i, so two embeddings at angle θ agree on a bit with probability 1 − θ/π. The planes come from a
 * fixed seed, per dimension, so every worker hashes the same embedding to the same buckets.
 */
final class Hyperplanes {

    private static final long SEED = 0x5EED_E45E_1L;

    private final int count;
    private final Map<Integer, float[][]> byDimension = new ConcurrentHashMap<>();

    Hyperplanes(int count) {
        this.count = count;
    }

    /** The sign bits of {@code v}, {@link SimilarResults#BITS} per band, one long per band. */
    long[] signature(float[] v) {
        float[][] planes = byDimension.computeIfAbsent(v.length, this::draw);
        long[] bands = new long[SimilarResults.BANDS];
        for (int i = 0; i < count; i++) {
            double dot = 0;
            for (int d = 0; d < v.length; d++) {
                dot += planes[i][d] * v[d];
            }
            if (dot >= 0) {
                bands[i / SimilarResults.BITS] |= 1L << (i % SimilarResults.BITS);
            }
        }
        return bands;
    }

    private float[][] draw(int dimension) {
        SplittableRandom random = new SplittableRandom(SEED + dimension);
        float[][] planes = new float[count][dimension];
        for (float[] plane : planes) {
            for (int d = 0; d < dimension; d++) {
                plane[d] = (float) gaussian(random);
            }
        }
        return planes;
    }

    // Box–Muller: a standard normal from two uniforms (any rotation-invariant distribution would do).
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
