package dev.easel.common.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.easel.common.event.ResultImage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One cached result: the job that produced it and its stored images. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CachedResult(String jobId, List<ResultImage> images, Instant storedAt) {

    public CachedResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(storedAt, "storedAt");
        images = List.copyOf(images);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a cached result has at least one image");
        }
    }
}
