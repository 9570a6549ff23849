package dev.easel.engine.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How sessions are built: providers tried in order (the first one that initialises wins, CPU last), the
 * device, thread counts, and the TensorRT engine/timing cache folder and precision.
 */
public record EngineConfig(List<ExecutionProvider> providers, int deviceId, int intraOpThreads, int interOpThreads,
                           Optional<Path> tensorrtCacheDir, boolean tensorrtFp16) {

    public EngineConfig {
        providers = List.copyOf(providers);
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("at least one execution provider is needed");
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = ONNX Runtime's default)");
        }
    }

    /** CPU only, with ONNX Runtime's default thread counts. */
    public static EngineConfig cpu() {
        return new EngineConfig(List.of(ExecutionProvider.CPU), 0, 0, 0, Optional.empty(), false);
    }
}
