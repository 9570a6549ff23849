package dev.easel.common.queue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.easel.common.model.ModelLimits;
import java.time.Instant;
import java.util.List;

/**
 * What a worker announces in Redis ({@link RedisKeys#worker(String)}): its models with their limits, the
 * execution provider, its slots and how many are busy, and the mean denoising step time.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerHeartbeat(String workerId, List<ModelLimits> models, String provider, int slots, int busySlots,
                              double meanStepMs, Instant at) {

    public WorkerHeartbeat {
        models = models == null ? List.of() : List.copyOf(models);
    }
}
