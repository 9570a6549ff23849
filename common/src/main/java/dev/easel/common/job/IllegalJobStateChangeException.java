package dev.easel.common.job;

/** A status change that {@link JobTransitions} does not allow. */
public final class IllegalJobStateChangeException extends IllegalStateException {

    public static final String CODE = "illegal_job_state_change";

    private final JobStatus from;
    private final JobStatus to;

    public IllegalJobStateChangeException(JobStatus from, JobStatus to) {
        super("a job cannot go from " + from.wireName() + " to " + to.wireName());
        this.from = from;
        this.to = to;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }

    public String code() {
        return CODE;
    }
}
