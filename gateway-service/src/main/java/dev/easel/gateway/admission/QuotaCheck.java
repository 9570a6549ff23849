package dev.easel.gateway.admission;

import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.Quota;
import dev.easel.gateway.store.JobEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Checks a new job against the caller's quotas ({@link Quota}), tenant's and key's, with one query each over the
 * rows that can count: the tenant's (or the key's) jobs created this UTC month and those still queued or running.
 * Blocks: reads the job store. Concurrent submits are checked against the rows committed so far, so a burst of
 * them may pass a bound by as many jobs as are being admitted at that moment.
 */
final class QuotaCheck {

    private static final Duration ACTIVE_RETRY = Duration.ofSeconds(5);

    private static final String USAGE = """
            SELECT count(*) FILTER (WHERE status IN ('queued', 'running')),
                   coalesce(sum(CAST(spec ->> 'num_images' AS integer))
                            FILTER (WHERE created_at >= ?3 AND status IN ('queued', 'running', 'succeeded')), 0),
                   coalesce(sum(CAST(spec ->> 'num_images' AS integer))
                            FILTER (WHERE created_at >= ?4 AND status IN ('queued', 'running', 'succeeded')), 0)
            FROM jobs
            WHERE tenant_id = ?1 AND (CAST(?2 AS text) IS NULL OR owner = ?2)
              AND (status IN ('queued', 'running') OR created_at >= ?4)""";

    private QuotaCheck() {
    }

    /**
     * @throws QuotaExceededException when the job would go beyond a quota
     */
    static void admit(Caller caller, int images, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant day = today.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant month = today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        for (Quota quota : caller.quotas()) {
            String owner = quota.scope().equals("key") ? caller.keyId() : null;
            Object[] used = QuarkusTransaction.requiringNew().call(() -> (Object[]) JobEntity.getEntityManager()
                    .createNativeQuery(USAGE).setParameter(1, caller.tenant()).setParameter(2, owner)
                    .setParameter(3, day).setParameter(4, month).getSingleResult());
            long active = ((Number) used[0]).longValue();
            long imagesToday = ((Number) used[1]).longValue();
            long imagesThisMonth = ((Number) used[2]).longValue();
            String whose = quota.scope().equals("key") ? "the key's" : "the tenant's";
            if (quota.activeJobs() != null && active + 1 > quota.activeJobs()) {
                throw new QuotaExceededException(whose + " quota of " + quota.activeJobs() + " queued or running "
                        + "jobs is reached", ACTIVE_RETRY);
            }
            if (quota.imagesPerDay() != null && imagesToday + images > quota.imagesPerDay()) {
                throw new QuotaExceededException(whose + " quota of " + quota.imagesPerDay() + " images a day would "
                        + "be passed (" + imagesToday + " so far today, UTC)",
                        Duration.between(now, day.plus(Duration.ofDays(1))));
            }
            if (quota.imagesPerMonth() != null && imagesThisMonth + images > quota.imagesPerMonth()) {
                throw new QuotaExceededException(whose + " quota of " + quota.imagesPerMonth() + " images a month "
                        + "would be passed (" + imagesThisMonth + " so far this month, UTC)",
                        Duration.between(now, today.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
            }
        }
    }
}
