package dev.easel.gateway.identity;

/**
 * How much a tenant, or one of its API keys, may have going and generate: jobs queued or running at once, and
 * images submitted per UTC day and per UTC month (of jobs that did not fail, and were not canceled or expired).
 * A null bound is no bound.
 *
 * @param scope {@code tenant} or {@code key}: whose jobs count
 */
public record Quota(String scope, Integer activeJobs, Integer imagesPerDay, Integer imagesPerMonth) {

    /** The quota of two nullable-column triples, or null where none is set. */
    static Quota of(String scope, Integer activeJobs, Integer imagesPerDay, Integer imagesPerMonth) {
        return activeJobs == null && imagesPerDay == null && imagesPerMonth == null ? null
                : new Quota(scope, activeJobs, imagesPerDay, imagesPerMonth);
    }
}
