package dev.easel.gateway;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * For tests of the HTTP API alone, which submit thousands of jobs: accepted jobs stay in this run's database
 * instead of reaching Kafka, where a worker of the developer's own stack would run them, and the test
 * application stays out of the gateway's consumer group, where it would take job events from that stack.
 */
public class ApiOnlyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("easel.outbox.relay-enabled", "false", "easel.events.enabled", "false");
    }
}
