package dev.easel.gateway.rest;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A worker pool of 16 threads, which the tests that hold worker threads outnumber whatever the machine's core count
 * (the default is 8 a core).
 */
public class SmallWorkerPool implements QuarkusTestProfile {

    public static final int THREADS = 16;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.thread-pool.max-threads", Integer.toString(THREADS));
    }
}
