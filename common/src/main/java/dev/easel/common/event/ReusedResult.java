package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/**
 * A {@code succeeded} that reused another job's images for a prompt that means the same
 * ({@code cache: "similar"}): that job and the cosine between the two prompts' embeddings.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReusedResult(String jobId, double similarity) {

    public ReusedResult {
        Objects.requireNonNull(jobId, "jobId");
    }
}
