package dev.easel.gateway.view;

import dev.easel.common.event.JobEvent;

/** The latest progress of a running job, from its newest {@code Progress} event. */
public record ProgressSnapshot(int attempt, long seq, String stage, int step, int steps, String previewKey) {

    public static ProgressSnapshot of(JobEvent.Progress event) {
        return new ProgressSnapshot(event.attempt(), event.seq(), event.stage().wireName(), event.step(),
                event.steps(), event.previewKey());
    }

    public boolean isOlderThan(ProgressSnapshot other) {
        return attempt < other.attempt || (attempt == other.attempt && seq < other.seq);
    }

    public Double percent() {
        return steps <= 0 ? null : Math.min(100.0, 100.0 * step / steps);
    }
}
