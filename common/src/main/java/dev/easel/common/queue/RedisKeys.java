package dev.easel.common.queue;

/** Redis keys the gateway and the workers share. */
public final class RedisKeys {

    /** Prefix of worker heartbeat keys; one key per worker, expiring when the worker stops refreshing it. */
    public static final String WORKER_PREFIX = "easel:workers:";
    /**
     * The index of live workers: a sorted set of worker ids scored by when their heartbeat expires (epoch ms), so
     * that readers find the workers without scanning the keyspace (which the result cache fills).
     */
    public static final String WORKERS = "easel:workers";

    /**
     * The pub/sub channel on which the gateway announces each cancel flag it raises (the message is the job id), so
     * that a worker running the job hears of it at once instead of asking Redis at every step.
     */
    public static final String CANCELS = "easel:cancels";

    private RedisKeys() {
    }

    /**
     * Present (value {@code 1}) when the job was canceled; workers read it before starting a job and, as a safety
     * net for a missed {@link #CANCELS} message, now and then while it runs.
     */
    public static String cancelFlag(String jobId) {
        return "easel:cancel:" + jobId;
    }

    /** The heartbeat of one worker (JSON, see {@code WorkerHeartbeat}). */
    public static String worker(String workerId) {
        return WORKER_PREFIX + workerId;
    }
}
