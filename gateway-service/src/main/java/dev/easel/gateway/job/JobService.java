package dev.easel.gateway.job;

import dev.easel.common.event.JobEvent;
import dev.easel.common.job.JobStatus;
import dev.easel.gateway.api.ApiException;
import dev.easel.gateway.event.JobUpdates;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads, lists and cancels jobs; {@link JobAdmission} takes new ones. */
@ApplicationScoped
public class JobService {

    /** The worker id gateway-originated events carry (cancel of a queued job, start-deadline expiry). */
    public static final String GATEWAY = "gateway";
    /** The worker id of events by which the result cache finished a job. */
    public static final String CACHE = "cache";

    private static final int READ_CHUNK = 500;

    private final CancelFlags cancelFlags;
    private final JobUpdates updates;
    private final Followers followers;

    JobService(CancelFlags cancelFlags, JobUpdates updates, Followers followers) {
        this.cancelFlags = cancelFlags;
        this.updates = updates;
        this.followers = followers;
    }

    public JobEntity get(String id) {
        UUID uuid = JobIds.parse(id).orElseThrow(() -> ApiException.notFound("job " + id));
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(uuid));
        if (job == null) {
            throw ApiException.notFound("job " + id);
        }
        return job;
    }

    /**
     * The jobs with these ids that exist, read {@value #READ_CHUNK} ids to a query: for a sweep over many jobs,
     * where a read per job would be a transaction per job.
     */
    public Map<UUID, JobEntity> find(Collection<UUID> ids) {
        List<UUID> all = List.copyOf(ids);
        Map<UUID, JobEntity> found = new HashMap<>();
        for (int from = 0; from < all.size(); from += READ_CHUNK) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + READ_CHUNK));
            QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>list("id in ?1", chunk))
                    .forEach(job -> found.put(job.id, job));
        }
        return found;
    }

    /** A page of jobs, newest first, after the cursor's position. */
    public JobPage list(Optional<JobStatus> status, int limit, Optional<JobCursor> after) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        status.ifPresent(s -> {
            query.append(" and status = :status");
            params.put("status", s.wireName());
        });
        after.ifPresent(c -> {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.put("at", c.createdAt());
            params.put("id", c.id());
        });
        query.append(" order by createdAt desc, id desc");
        List<JobEntity> rows = QuarkusTransaction.requiringNew().call(() ->
                JobEntity.<JobEntity>find(query.toString(), params).page(0, limit + 1).list());
        boolean more = rows.size() > limit;
        List<JobEntity> page = more ? rows.subList(0, limit) : rows;
        Optional<JobCursor> next = more
                ? Optional.of(new JobCursor(page.getLast().createdAt, page.getLast().id)) : Optional.empty();
        return new JobPage(page, next);
    }

    /** A page of {@link #list} and the cursor of the next page, if any. */
    public record JobPage(List<JobEntity> jobs, Optional<JobCursor> next) {
    }

    /**
     * Cancels a job: a queued job ends as {@code canceled} at once; a running one gets a cancel request that
     * its worker honours at the next step. Finished jobs are returned unchanged.
     */
    public JobEntity cancel(String id) {
        UUID uuid = JobIds.parse(id).orElseThrow(() -> ApiException.notFound("job " + id));
        JobEvent[] applied = new JobEvent[1];
        Followers.Resolution[] resolution = {Followers.Resolution.NONE};
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> {
            JobEntity row = JobEntity.findById(uuid, LockModeType.PESSIMISTIC_WRITE);
            if (row == null) {
                throw ApiException.notFound("job " + id);
            }
            switch (row.jobStatus()) {
                case QUEUED -> {
                    JobEvent event = new JobEvent.Canceled(row.id.toString(), Math.max(1, row.appliedAttempt),
                            row.appliedSeq + 1, GATEWAY, Instant.now());
                    if (JobStateMachine.apply(row, event) == JobStateMachine.Outcome.APPLIED) {
                        applied[0] = event;
                        resolution[0] = followers.resolve(row);
                    }
                    row.cancelRequestedAt = event.at();
                }
                case RUNNING -> {
                    if (row.cancelRequestedAt == null) {
                        row.cancelRequestedAt = Instant.now();
                    }
                }
                case SUCCEEDED, FAILED, CANCELED, EXPIRED -> {
                }
            }
            return row;
        });
        if (job.cancelRequestedAt != null && !job.jobStatus().isTerminal() || applied[0] != null) {
            cancelFlags.raise(uuid);
        }
        if (applied[0] != null) {
            Log.infof("job %s: canceled while queued", uuid);
            updates.publish(job, applied[0]);
            followers.afterCommit(job, applied[0], resolution[0]);
        } else if (job.jobStatus() == JobStatus.RUNNING) {
            Log.infof("job %s: cancel requested while running", uuid);
        }
        return job;
    }
}
