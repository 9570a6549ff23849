package dev.easel.worker.job;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * How runs end, counted in {@code easel_worker_jobs{outcome}} (operators alert on {@code dead_lettered}). The runner
 * and its delivery policy both end runs; counting through this one class keeps the metric's name in one place.
 */
final class JobOutcomes {

    private final MeterRegistry registry;

    JobOutcomes(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one run that ended with {@code outcome}; returns {@code settle}, how its record is settled. */
    RunOutcome count(String outcome, RunOutcome settle) {
        registry.counter("easel_worker_jobs", "outcome", outcome).increment();
        return settle;
    }
}
