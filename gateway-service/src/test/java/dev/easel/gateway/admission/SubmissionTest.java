package dev.easel.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.job.JobStatus;
import dev.easel.gateway.store.JobEntity;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class SubmissionTest {

    @Test
    void aNewJobIsQueuedWithItsSpecItsMetadataApartAndItsCacheKeys() {
        Submission submission = Requests.submission("{\"prompt\": \"a red circle\", \"seed\": 3, \"metadata\": {\"k\": \"v\"},"
                + " \"start_deadline_seconds\": 30}", true, "key-1", null);
        JobEntity job = submission.newJob(CacheOutcome.MISS);

        assertThat(job.jobStatus()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.kind).isEqualTo("text-to-image");
        assertThat(job.model).isEqualTo("tiny-shapes");
        assertThat(job.cacheOutcome).isEqualTo("miss");
        assertThat(job.spec).contains("\"prompt\":\"a red circle\"").doesNotContain("metadata");
        assertThat(job.metadata).isEqualTo("{\"k\":\"v\"}");
        assertThat(job.idempotencyKey).isEqualTo("key-1");
        assertThat(job.requestHash).isEqualTo(submission.requestHash()).isNotNull();
        assertThat(job.cacheKey).isEqualTo(submission.keys().exact().hex());
        assertThat(job.cacheAnySeedKey).isEqualTo(submission.keys().anySeed().hex());
        assertThat(job.createdAt).isEqualTo(job.createdAt.truncatedTo(ChronoUnit.MICROS));
        assertThat(job.startDeadline).isEqualTo(job.createdAt.plusSeconds(30));
    }

    @Test
    void eachAttemptIsANewRow() {
        Submission submission = Requests.submission("{\"prompt\": \"a red circle\"}", false, null, null);
        JobEntity first = submission.newJob(CacheOutcome.MISS);
        JobEntity second = submission.newJob(CacheOutcome.MISS);
        assertThat(first.id).isNotEqualTo(second.id);
    }

    @Test
    void withoutTheCacheOrWithNoStoreARowHasNoCacheKeys() {
        JobEntity off = Requests.submission("{\"prompt\": \"a red circle\"}", false, null, null).newJob(CacheOutcome.BYPASS);
        assertThat(off.cacheKey).isNull();
        assertThat(off.startDeadline).isNull();
        JobEntity noStore = Requests.submission("{\"prompt\": \"a red circle\", \"seed\": 1}", true, null, null,
                "no-store").newJob(CacheOutcome.MISS);
        assertThat(noStore.cacheKey).isNull();
    }
}
