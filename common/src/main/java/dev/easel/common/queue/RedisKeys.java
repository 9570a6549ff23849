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

    private RedisKeys() {
    }

    /** Present (value {@code 1}) when the job was canceled; workers read it before starting and between steps. */
    public static String cancelFlag(String jobId) {
        return "easel:cancel:" + jobId;
    }

    /** The heartbeat of one worker (JSON, see {@code WorkerHeartbeat}). */
    public static String worker(String workerId) {
        return WORKER_PREFIX + workerId;
    }
}
