package dev.easel.gateway.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A job as the API returns it (docs/api.md); absent parts are null and left out of the JSON. */
public record JobView(
        String id,
        String status,
        String kind,
        String model,
        String tenant,
        String owner,
        JsonNode input,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        Queue queue,
        Progress progress,
        Output output,
        String cache,
        CacheSource cacheSource,
        int attempts,
        Error error,
        JsonNode metrics,
        JsonNode metadata,
        Links links) {

    /** Where a queued job stands: jobs ahead of it and the estimated wait until it starts. */
    public record Queue(long position, Double etaSeconds) {
    }

    /** The live progress of a running job. */
    public record Progress(String stage, Integer step, Integer steps, Double percent, String previewUrl) {
    }

    /**
     * The job a cache answer came from: the job whose result was reused (hit, similar) or that this one waits
     * for (coalesced); {@code similarity} for similar reuse (cosine of the prompt embeddings, 1 for equal text).
     */
    public record CacheSource(String jobId, Double similarity) {
    }

    public record Output(List<Image> images) {
    }

    public record Image(String url, String thumbnailUrl, int width, int height, long seed, String contentType) {
    }

    public record Error(String code, String message, boolean retryable) {
    }

    public record Links(String self, String events, String cancel) {
    }
}
