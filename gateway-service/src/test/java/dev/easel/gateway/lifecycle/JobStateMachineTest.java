package dev.easel.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.event.JobError;
import dev.easel.common.event.JobEvent;
import dev.easel.common.event.JobMetrics;
import dev.easel.common.event.ResultImage;
import dev.easel.common.job.IllegalJobStateChangeException;
import dev.easel.common.job.JobStage;
import dev.easel.common.job.JobStatus;
import dev.easel.gateway.lifecycle.JobStateMachine.Outcome;
import dev.easel.gateway.store.JobEntity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every status a job row can hold against every event a worker or the gateway can send: the whole transition
 * table, written out here rather than read from {@code JobTransitions}, so that a change to either shows.
 */
class JobStateMachineTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final List<ResultImage> IMAGES = List.of(new ResultImage(0, "outputs/x/0.png", "thumbs/x/0.jpg",
            64, 64, 7, "image/png"));

    /** An event of the next (attempt, seq) the row has not seen, of each kind. */
    enum Kind {
        STARTED, PROGRESS, SUCCEEDED, FAILED, CANCELED, EXPIRED;

        JobEvent of(String id, int attempt, long seq) {
            Instant at = T0.plusSeconds(seq);
            return switch (this) {
                case STARTED -> new JobEvent.Started(id, attempt, seq, "w1", at);
                case PROGRESS -> new JobEvent.Progress(id, attempt, seq, "w1", at, JobStage.DENOISING, 3, 20, null);
                case SUCCEEDED -> new JobEvent.Succeeded(id, attempt, seq, "w1", at, IMAGES, new JobMetrics(1L, 2L, 3L, 4L));
                case FAILED -> new JobEvent.Failed(id, attempt, seq, "w1", at, new JobError("inference_failed", "x", false));
                case CANCELED -> new JobEvent.Canceled(id, attempt, seq, "w1", at);
                case EXPIRED -> new JobEvent.Expired(id, attempt, seq, "w1", at);
            };
        }
    }

    /** status × event of the same attempt → outcome (and the status after). */
    static Stream<Arguments> sameAttempt() {
        List<Arguments> table = new ArrayList<>();
        // queued: no attempt has started; the event is attempt 1's first.
        row(table, JobStatus.QUEUED, Kind.STARTED, Outcome.APPLIED, JobStatus.RUNNING);
        row(table, JobStatus.QUEUED, Kind.PROGRESS, Outcome.APPLIED, JobStatus.RUNNING);
        row(table, JobStatus.QUEUED, Kind.SUCCEEDED, Outcome.ILLEGAL, JobStatus.QUEUED);
        row(table, JobStatus.QUEUED, Kind.FAILED, Outcome.APPLIED, JobStatus.FAILED);
        row(table, JobStatus.QUEUED, Kind.CANCELED, Outcome.APPLIED, JobStatus.CANCELED);
        row(table, JobStatus.QUEUED, Kind.EXPIRED, Outcome.APPLIED, JobStatus.EXPIRED);
        // running attempt 1: the next event of the same attempt.
        row(table, JobStatus.RUNNING, Kind.STARTED, Outcome.APPLIED, JobStatus.RUNNING);
        row(table, JobStatus.RUNNING, Kind.PROGRESS, Outcome.PROGRESS_ONLY, JobStatus.RUNNING);
        row(table, JobStatus.RUNNING, Kind.SUCCEEDED, Outcome.APPLIED, JobStatus.SUCCEEDED);
        row(table, JobStatus.RUNNING, Kind.FAILED, Outcome.APPLIED, JobStatus.FAILED);
        row(table, JobStatus.RUNNING, Kind.CANCELED, Outcome.APPLIED, JobStatus.CANCELED);
        row(table, JobStatus.RUNNING, Kind.EXPIRED, Outcome.ILLEGAL, JobStatus.RUNNING);
        // final states: the same final status again is a late duplicate; anything else is illegal.
        for (JobStatus terminal : List.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.EXPIRED)) {
            for (Kind kind : Kind.values()) {
                boolean same = kind.name().equals(terminal.name());
                row(table, terminal, kind, same ? Outcome.STALE : Outcome.ILLEGAL, terminal);
            }
        }
        return table.stream();
    }

    private static void row(List<Arguments> table, JobStatus from, Kind kind, Outcome outcome, JobStatus after) {
        table.add(Arguments.of(from, kind, outcome, after));
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}, {3}")
    @MethodSource("sameAttempt")
    void theTransitionTable(JobStatus from, Kind kind, Outcome outcome, JobStatus after) {
        JobEntity job = job(from);
        int attempt = Math.max(1, job.appliedAttempt);
        JobEvent event = kind.of(job.id.toString(), attempt, job.appliedSeq + 1);

        assertThat(JobStateMachine.apply(job, event)).isEqualTo(outcome);

        assertThat(job.jobStatus()).isEqualTo(after);
        if (outcome == Outcome.APPLIED) {
            assertThat(job.appliedSeq).as("applied seq").isEqualTo(event.seq());
        } else {
            assertThat(job.appliedSeq).as("a refused event leaves the row's position").isEqualTo(event.seq() - 1);
        }
    }

    @Test
    void anEventAtOrBelowWhatTheRowHasSeenIsStaleWhateverItSays() {
        JobEntity job = job(JobStatus.RUNNING);
        String id = job.id.toString();
        assertThat(JobStateMachine.apply(job, Kind.SUCCEEDED.of(id, 1, job.appliedSeq))).isEqualTo(Outcome.STALE);
        assertThat(JobStateMachine.apply(job, Kind.FAILED.of(id, 1, job.appliedSeq - 1))).isEqualTo(Outcome.STALE);
        assertThat(job.jobStatus()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void aRedeliveredJobRunsAgainUnderItsNextAttemptAndCountsIt() {
        JobEntity job = job(JobStatus.RUNNING);
        String id = job.id.toString();
        assertThat(JobStateMachine.apply(job, Kind.STARTED.of(id, 2, 0))).isEqualTo(Outcome.APPLIED);
        assertThat(job.attempts).isEqualTo(2);
        assertThat(job.appliedAttempt).isEqualTo(2);
        // The first attempt's late events no longer count.
        assertThat(JobStateMachine.apply(job, Kind.SUCCEEDED.of(id, 1, 9))).isEqualTo(Outcome.STALE);
        assertThat(JobStateMachine.apply(job, Kind.SUCCEEDED.of(id, 2, 1))).isEqualTo(Outcome.APPLIED);
        assertThat(job.jobStatus()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aJobClosedWhileQueuedNeverRan() {
        JobEntity job = job(JobStatus.QUEUED);
        JobStateMachine.apply(job, Kind.CANCELED.of(job.id.toString(), 1, 1));
        assertThat(job.attempts).isZero();
        assertThat(job.startedAt).isNull();
        assertThat(job.completedAt).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void startAndSuccessRecordTheirTimesResultAndMetrics() {
        JobEntity job = job(JobStatus.QUEUED);
        String id = job.id.toString();
        JobStateMachine.apply(job, Kind.STARTED.of(id, 1, 1));
        JobStateMachine.apply(job, Kind.SUCCEEDED.of(id, 1, 2));
        assertThat(job.startedAt).isEqualTo(T0.plusSeconds(1));
        assertThat(job.completedAt).isEqualTo(T0.plusSeconds(2));
        assertThat(job.result).contains("outputs/x/0.png");
        assertThat(job.metrics).contains("\"run_ms\":2");
        assertThat(job.error).isNull();
    }

    @Test
    void aNewJobIsAdmittedQueuedOnce() {
        JobEntity job = new JobEntity();
        job.id = UUID.randomUUID();
        JobStateMachine.admitQueued(job);
        assertThat(job.jobStatus()).isEqualTo(JobStatus.QUEUED);
        assertThatThrownBy(() -> JobStateMachine.admitQueued(job)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCacheFinishesAQueuedJobWithoutARun() {
        JobEntity hit = job(JobStatus.QUEUED);
        JobEvent answered = JobStateMachine.answerFromCache(hit, T0, IMAGES, new JobMetrics(0L, 0L, 0L, 0L));
        assertThat(answered.workerId()).isEqualTo(JobStateMachine.CACHE);
        assertThat(hit.jobStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(hit.attempts).isZero();

        JobEntity follower = job(JobStatus.QUEUED);
        JobStateMachine.failFromCache(follower, T0, new JobError("inference_failed", "the leader failed", false));
        assertThat(follower.jobStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(follower.error).contains("the leader failed");
    }

    @Test
    void theCacheCannotFinishAJobThatLeftTheQueue() {
        for (JobStatus status : List.of(JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.CANCELED)) {
            JobEntity job = job(status);
            assertThatThrownBy(() -> JobStateMachine.answerFromCache(job, T0, IMAGES, null))
                    .isInstanceOf(IllegalJobStateChangeException.class);
            assertThat(job.jobStatus()).isEqualTo(status);
        }
    }

    /** A row in {@code status} as the state machine would have left it: running and final rows have applied attempt 1, seq 5. */
    private static JobEntity job(JobStatus status) {
        JobEntity job = new JobEntity();
        job.id = UUID.randomUUID();
        job.status = status.wireName();
        if (status != JobStatus.QUEUED) {
            job.appliedAttempt = 1;
            job.appliedSeq = 5;
            job.attempts = 1;
        }
        return job;
    }
}
