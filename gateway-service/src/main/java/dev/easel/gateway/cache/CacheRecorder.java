package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.cache.CachedResult;
import dev.easel.common.event.JobEvent;
import dev.easel.gateway.store.JobEntity;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Brings the cache up to date once a job that ran reaches its final status (after the database commit): stores
 * a succeeded job's result under its keys, and ends its lead of the single flight, or hands the lead to the
 * follower promoted in its place. Redis failures are logged and counted; the job itself is already settled.
 */
@ApplicationScoped
public class CacheRecorder {

    private final ResultCache cache;
    private final SingleFlight singleFlight;

    CacheRecorder(ResultCache cache, SingleFlight singleFlight) {
        this.cache = cache;
        this.singleFlight = singleFlight;
    }

    public void finished(JobEntity job, JobEvent event, Optional<JobEntity> promoted) {
        if (job.cacheKey == null) {
            return;
        }
        CacheKey exact = new CacheKey(job.cacheKey);
        try {
            if (event instanceof JobEvent.Succeeded succeeded) {
                cache.store(exact, new CacheKey(job.cacheAnySeedKey),
                        new CachedResult(job.id.toString(), succeeded.images(), Instant.now()));
            }
            if (promoted.isPresent()) {
                UUID next = promoted.get().id;
                if (!singleFlight.handOver(exact, job.id, next)) {
                    singleFlight.claim(exact, next).ifPresent(other -> Log.debugf(
                            "job %s: promoted, but job %s leads its request by now", next, other));
                }
            } else {
                singleFlight.release(exact, job.id);
            }
        } catch (CacheUnavailableException e) {
            Log.warnf("job %s: cache not updated: %s", job.id, e.getMessage());
        }
    }
}
