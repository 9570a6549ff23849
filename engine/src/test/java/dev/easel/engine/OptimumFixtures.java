package dev.easel.engine;

import java.nio.file.Path;

/**
 * The tiny random-weight Stable Diffusion 1.5 packages in Optimum's export layout
 * ({@code models/training/make_sd15_fixture.py}): one per I/O contract Optimum has written.
 */
public enum OptimumFixtures {

    /** Optimum ≥ 1.24 / optimum-onnx: int64 {@code input_ids}, scalar float32 {@code timestep}, {@code latent_parameters}. */
    CURRENT("optimum-sd15"),
    /** Optimum 1.6–1.22: int32 {@code input_ids}, int64 {@code timestep} [steps], {@code latent_sample}. */
    LEGACY("optimum-sd15-legacy");

    private final String folder;

    OptimumFixtures(String folder) {
        this.folder = folder;
    }

    public Path root() {
        return TinyShapes.root().resolveSibling("fixtures").resolve(folder);
    }
}
