package dev.easel.gateway.store;

import dev.easel.common.job.JobStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads jobs: one by id, many by id, and pages of the list. */
@ApplicationScoped
public class JobFinder {

    private static final int READ_CHUNK = 500;

    public JobEntity get(String id) {
        UUID uuid = JobIds.parse(id).orElseThrow(() -> new JobNotFoundException(id));
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(uuid));
        if (job == null) {
            throw new JobNotFoundException(id);
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

    /**
     * A page of jobs, newest first, after the cursor's position.
     *
     * @param tenant only this tenant's jobs; empty for every tenant's
     */
    public JobPage list(Optional<String> tenant, Optional<JobStatus> status, int limit, Optional<JobCursor> after) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        tenant.ifPresent(t -> {
            query.append(" and tenantId = :tenant");
            params.put("tenant", t);
        });
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
}
