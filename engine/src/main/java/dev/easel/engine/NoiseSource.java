package dev.easel.engine;

/**
 * Where the pipeline's Gaussian noise comes from: the initial latents and the fresh noise that
 * ancestral and consistency samplers add at each step. Calls happen in a fixed order, so a seeded
 * source makes a run reproducible.
 */
public interface NoiseSource {

    /** The next {@code n} independent standard-normal values. */
    float[] gaussian(int n);
}
