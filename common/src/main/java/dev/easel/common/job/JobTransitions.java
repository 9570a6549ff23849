package dev.easel.common.job;

/** The one table of allowed job status changes, keyed by the source status. */
public final class JobTransitions {

    private JobTransitions() {
    }

    public static boolean isAllowed(JobStatus from, JobStatus to) {
        return switch (from) {
            // FAILED straight from QUEUED: a poison job dead-lettered before any attempt started.
            case QUEUED -> switch (to) {
                case RUNNING, CANCELED, EXPIRED, FAILED -> true;
                case QUEUED, SUCCEEDED -> false;
            };
            // RUNNING again: the broker redelivered the job after its worker died and a new attempt started.
            case RUNNING -> switch (to) {
                case RUNNING, SUCCEEDED, FAILED, CANCELED -> true;
                case QUEUED, EXPIRED -> false;
            };
            case SUCCEEDED, FAILED, CANCELED, EXPIRED -> false;
        };
    }

    /** Throws unless {@code from → to} is allowed. */
    public static void check(JobStatus from, JobStatus to) {
        if (!isAllowed(from, to)) {
            throw new IllegalJobStateChangeException(from, to);
        }
    }
}
