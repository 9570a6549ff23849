package dev.easel.gateway.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.event.JobError;
import dev.easel.common.event.ResultImage;
import dev.easel.common.job.JobStatus;
import dev.easel.common.json.JsonCodec;
import dev.easel.gateway.queue.QueueEstimator;
import dev.easel.gateway.store.JobEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds the API representation of a job from its row, its live progress and the queue. */
@ApplicationScoped
public class JobViews {

    private final ProgressStore progress;
    private final QueueEstimator queue;
    private final ImageUrls urls;

    JobViews(ProgressStore progress, QueueEstimator queue, ImageUrls urls) {
        this.progress = progress;
        this.queue = queue;
        this.urls = urls;
    }

    /** The full view, with queue position (queued) or live progress (running). */
    public JobView of(JobEntity job) {
        return build(job, true);
    }

    /** The view of a job queued a moment ago: its position is the recent backlog, not a fresh count. */
    public JobView ofNew(JobEntity job) {
        if (job.jobStatus() != JobStatus.QUEUED) {
            return of(job);
        }
        long position = queue.recentBacklog();
        JobView view = build(job, false);
        return new JobView(view.id(), view.status(), view.kind(), view.model(), view.tenant(), view.owner(),
                view.input(), view.createdAt(),
                view.startedAt(), view.completedAt(), new JobView.Queue(position, round(queue.etaSeconds(position))),
                null, view.output(), view.cache(), view.cacheSource(), view.attempts(), view.error(), view.metrics(), view.metadata(),
                view.links());
    }

    /** The view without per-job queue and progress lookups, for lists. */
    public JobView summary(JobEntity job) {
        return build(job, false);
    }

    private JobView build(JobEntity job, boolean live) {
        JobStatus status = job.jobStatus();
        JobView.Queue queued = null;
        JobView.Progress running = null;
        if (live && status == JobStatus.QUEUED) {
            long position = queue.position(job.id, job.createdAt);
            queued = new JobView.Queue(position, round(queue.etaSeconds(position)));
        }
        if (live && status == JobStatus.RUNNING) {
            running = progress.get(job.id).map(this::progress).orElse(null);
        }
        String self = "/v1/jobs/" + job.id;
        return new JobView(job.id.toString(), job.status, job.kind, job.model, job.tenantId, job.owner,
                tree(job.spec), job.createdAt,
                job.startedAt, job.completedAt, queued, running, output(job),
                job.cacheOutcome == null ? CacheOutcome.MISS.wireName() : job.cacheOutcome, cacheSource(job), job.attempts, error(job), tree(job.metrics), tree(job.metadata),
                new JobView.Links(self, self + "/events", self + "/cancel"));
    }

    private static JobView.CacheSource cacheSource(JobEntity job) {
        return job.cacheSource == null ? null : new JobView.CacheSource(job.cacheSource.toString(), job.cacheSimilarity);
    }

    public JobView.Progress progress(ProgressSnapshot snapshot) {
        return new JobView.Progress(snapshot.stage(), snapshot.step(), snapshot.steps(), snapshot.percent(),
                urls.of(snapshot.previewKey()));
    }

    /** The images of a succeeded job as its {@code Succeeded} event reported them; empty for other jobs. */
    public static List<ResultImage> images(JobEntity job) {
        if (job.result == null) {
            return List.of();
        }
        return JsonCodec.decode(job.result.getBytes(StandardCharsets.UTF_8), StoredResult.class).images();
    }

    private JobView.Output output(JobEntity job) {
        if (job.result == null) {
            return null;
        }
        List<JobView.Image> images = new ArrayList<>();
        for (ResultImage image : images(job)) {
            images.add(new JobView.Image(urls.of(image.key()), urls.of(image.thumbnailKey()), image.width(),
                    image.height(), image.seed(), image.contentType()));
        }
        return new JobView.Output(images);
    }

    private static JobView.Error error(JobEntity job) {
        if (job.error == null) {
            return null;
        }
        JobError error = JsonCodec.decode(job.error.getBytes(StandardCharsets.UTF_8), JobError.class);
        return new JobView.Error(error.code(), error.message(), error.retryable());
    }

    private static JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a job column holds invalid JSON", e);
        }
    }

    private static Double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    /** The {@code result} column: the images a {@code Succeeded} event reported. */
    record StoredResult(List<ResultImage> images) {
    }
}
