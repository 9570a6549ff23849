package dev.easel.engine;

import java.util.Random;

/**
 * Gaussian noise from {@link java.util.Random} seeded with the job's seed. {@code Random}'s generator and
 * its {@code nextGaussian} (polar method) are fully specified by the Java SE API, so the same seed yields
 * the same values on every JVM and platform; image {@code i} of a batch uses {@code seed + i}.
 */
public final class SeededNoise implements NoiseSource {

    private final Random random;

    public SeededNoise(long seed) {
        this.random = new Random(seed);
    }

    @Override
    public float[] gaussian(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
