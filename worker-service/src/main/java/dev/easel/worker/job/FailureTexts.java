package dev.easel.worker.job;

import java.util.Map;
import java.util.Set;

/**
 * What a client reads about a failed job. Failures of the request itself (its image, its mask, its kind) and limits
 * the worker enforces keep the worker's own description; every other failure is told by a fixed text for its code.
 * Their details (a file of the model package, a storage host, a native library's message, an exception's class)
 * are for operators: they stay in the worker's log, beside the job's id, and in the dead-letter record.
 */
final class FailureTexts {

    /** Codes whose descriptions say only what was wrong with the request or which limit it reached. */
    private static final Set<String> DESCRIBED = Set.of("image_invalid", "image_too_large", "mask_empty",
            "mask_mismatch", "not_multiple_of_stride", "out_of_range", "required", "unsupported_kind",
            "unsupported_scheduler", "run_timeout", "resources_exhausted", "numerical_error");

    private static final Map<String, String> TEXTS = Map.of(
            "inference_failed", "the model failed while generating",
            "model_invalid", "the worker's model package is not usable",
            "model_load_failed", "the worker could not load its model",
            "model_unavailable", "the worker's model is not loaded",
            "storage_unavailable", "the image storage was unavailable",
            "queue_unavailable", "the job queue was unavailable",
            "interrupted", "the worker was interrupted",
            "internal_error", "the worker failed unexpectedly");

    private FailureTexts() {
    }

    /** The client's text for a failure with {@code code} that the worker described as {@code detail}. */
    static String of(String code, String detail) {
        if (DESCRIBED.contains(code)) {
            return detail;
        }
        return TEXTS.getOrDefault(code, "the job failed") + " (" + code + "); operators find the details in the "
                + "worker's log under the job's id";
    }
}
