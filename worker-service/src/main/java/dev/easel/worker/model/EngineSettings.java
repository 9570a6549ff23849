package dev.easel.worker.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The model this worker serves and how ONNX Runtime runs it. */
@ConfigMapping(prefix = "easel.engine")
public interface EngineSettings {

    /** Folder of the model package (diffusers ONNX layout). */
    @WithDefault("models/tiny-shapes")
    Path modelDir();

    /** Execution providers tried in order; the first that loads the model wins ({@code tensorrt}, {@code cuda}, {@code cpu}). */
    @WithDefault("cpu")
    List<String> providers();

    /** GPU ordinal for the CUDA and TensorRT providers. */
    @WithDefault("0")
    int deviceId();

    /** Threads inside one operator; 0 lets ONNX Runtime choose (one per core). */
    @WithDefault("0")
    int intraOpThreads();

    /** Threads across independent operators; 0 lets ONNX Runtime choose. */
    @WithDefault("0")
    int interOpThreads();

    /** Where TensorRT keeps its engine and timing caches (a persistent volume in production). */
    Optional<Path> tensorrtCacheDir();

    /** Let TensorRT build FP16 engines. */
    @WithDefault("false")
    boolean tensorrtFp16();

    /** Prompts whose text-encoder output is kept, so re-rolls of a prompt skip the encoder; 0 = none. */
    @WithDefault("256")
    int promptCacheEntries();
}
