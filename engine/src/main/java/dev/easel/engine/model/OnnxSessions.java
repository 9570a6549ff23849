package dev.easel.engine.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import dev.easel.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.logging.Logger;

/**
 * Creates ONNX Runtime sessions on the first configured execution provider that works, falling back
 * down the list (and logging why) — TensorRT → CUDA → CPU is the usual order.
 */
public final class OnnxSessions {

    private static final Logger LOG = Logger.getLogger(OnnxSessions.class.getName());

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final EngineConfig config;

    public OnnxSessions(EngineConfig config) {
        this.config = config;
    }

    /** A session for {@code model} and the provider it ended up on. */
    public Loaded open(Path model) {
        EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        StringBuilder failures = new StringBuilder();
        for (ExecutionProvider provider : config.providers()) {
            if (provider != ExecutionProvider.CPU && !available.contains(ortName(provider))) {
                LOG.info(() -> provider.wireName() + " is not in this ONNX Runtime build (available: " + available + "); trying the next provider for " + model);
                failures.append(provider.wireName()).append(": not in this build; ");
                continue;
            }
            // The session keeps what it needs of its options: they are released once it is created.
            try (OrtSession.SessionOptions options = options(provider)) {
                OrtSession session = env.createSession(model.toString(), options);
                LOG.info(() -> "loaded " + model + " on " + provider.wireName());
                return new Loaded(session, provider);
            } catch (OrtException e) {
                LOG.warning(() -> provider.wireName() + " could not load " + model + " (" + e.getMessage() + "); falling back");
                failures.append(provider.wireName()).append(": ").append(e.getMessage()).append("; ");
            }
        }
        throw new EngineException("model_load_failed", "no execution provider could load " + model + ": " + failures, false, null);
    }

    private OrtSession.SessionOptions options(ExecutionProvider provider) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (config.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(config.intraOpThreads());
        }
        if (config.interOpThreads() > 0) {
            options.setInterOpNumThreads(config.interOpThreads());
        }
        switch (provider) {
            case TENSORRT -> {
                OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(config.deviceId());
                if (config.tensorrtCacheDir().isPresent()) {
                    Path dir = config.tensorrtCacheDir().get();
                    try {
                        Files.createDirectories(dir);
                    } catch (java.io.IOException e) {
                        throw new EngineException("model_load_failed", "cannot create TensorRT cache folder " + dir, false, e);
                    }
                    trt.add("trt_engine_cache_enable", "1");
                    trt.add("trt_engine_cache_path", dir.toString());
                    trt.add("trt_timing_cache_enable", "1");
                    trt.add("trt_timing_cache_path", dir.toString());
                }
                trt.add("trt_fp16_enable", config.tensorrtFp16() ? "1" : "0");
                options.addTensorrt(trt);
                // Nodes TensorRT cannot take run on CUDA rather than on the CPU.
                options.addCUDA(new OrtCUDAProviderOptions(config.deviceId()));
            }
            case CUDA -> options.addCUDA(new OrtCUDAProviderOptions(config.deviceId()));
            case CPU -> options.addCPU(true);
        }
        return options;
    }

    private static OrtProvider ortName(ExecutionProvider provider) {
        return switch (provider) {
            case TENSORRT -> OrtProvider.TENSOR_RT;
            case CUDA -> OrtProvider.CUDA;
            case CPU -> OrtProvider.CPU;
        };
    }

    /** An open session and the provider it runs on. */
    public record Loaded(OrtSession session, ExecutionProvider provider) {
    }
}
