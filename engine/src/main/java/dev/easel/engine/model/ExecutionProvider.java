package dev.easel.engine.model;

import java.util.Locale;

/** The ONNX Runtime execution providers Easel knows how to configure, in the usual order of preference. */
public enum ExecutionProvider {
    TENSORRT,
    CUDA,
    CPU;

    public static ExecutionProvider parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "tensorrt", "trt" -> TENSORRT;
            case "cuda" -> CUDA;
            case "cpu" -> CPU;
            default -> throw new IllegalArgumentException("unknown execution provider '" + name + "' (tensorrt, cuda, cpu)");
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
