package dev.easel.gateway.store;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What a tenant consumed, per UTC day and model, read from its job rows: jobs by outcome, images delivered,
 * answers from the cache, and GPU-seconds (the workers' inference time; a cache hit costs none). A range scan of the
 * tenant's (tenant_id, created_at) index.
 */
@ApplicationScoped
public class JobUsage {

    /** One day and model. */
    public record Day(LocalDate date, String model, long jobs, long succeeded, long failed, long canceled,
                      long expired, long images, long cacheHits, double gpuSeconds) {
    }

    private static final String QUERY = """
            SELECT CAST(date_trunc('day', created_at AT TIME ZONE 'UTC') AS date) AS day, model,
                   count(*),
                   count(*) FILTER (WHERE status = 'succeeded'),
                   count(*) FILTER (WHERE status = 'failed'),
                   count(*) FILTER (WHERE status = 'canceled'),
                   count(*) FILTER (WHERE status = 'expired'),
                   coalesce(sum(jsonb_array_length(result -> 'images')) FILTER (WHERE status = 'succeeded'), 0),
                   count(*) FILTER (WHERE cache_outcome IN ('hit', 'similar')),
                   coalesce(sum(CAST(metrics ->> 'inference_ms' AS double precision)), 0) / 1000
            FROM jobs
            WHERE tenant_id = ?1 AND created_at >= ?2 AND created_at < ?3
            GROUP BY 1, 2
            ORDER BY 1, 2""";

    /** The days from {@code from} to {@code to}, both included, that have jobs. */
    public List<Day> days(String tenant, LocalDate from, LocalDate to) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = JobEntity.getEntityManager().createNativeQuery(QUERY)
                    .setParameter(1, tenant)
                    .setParameter(2, from.atStartOfDay().toInstant(ZoneOffset.UTC))
                    .setParameter(3, to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))
                    .getResultList();
            return rows.stream().map(r -> new Day(date(r[0]), (String) r[1], number(r[2]), number(r[3]), number(r[4]),
                    number(r[5]), number(r[6]), number(r[7]), number(r[8]), ((Number) r[9]).doubleValue())).toList();
        });
    }

    private static LocalDate date(Object value) {
        return value instanceof LocalDate d ? d : ((Date) value).toLocalDate();
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }
}
