package dev.easel.gateway.identity;

import dev.easel.gateway.lifecycle.ContractWorker;
import dev.easel.testsupport.ServiceProcess;
import dev.easel.testsupport.TestKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/** Another gateway replica beside the test's own, as a process: the same database, Redis namespace and topics. */
public final class SecondReplica {

    private SecondReplica() {
    }

    public static ServiceProcess start(String name) throws Exception {
        return start(name, Map.of());
    }

    /** The same, with these environment variables besides. */
    public static ServiceProcess start(String name, Map<String, String> more) throws Exception {
        var config = ConfigProvider.getConfig();
        Map<String, String> env = new HashMap<>(TestKeys.gatewayEnvironment());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", config.getValue("quarkus.datasource.jdbc.url", String.class));
        env.put("EASEL_CACHE_NAMESPACE", config.getValue("easel.cache.namespace", String.class));
        env.put("EASEL_TOPICS_JOBS", ContractWorker.JOBS);
        env.put("EASEL_TOPICS_JOB_EVENTS", ContractWorker.JOB_EVENTS);
        env.putAll(more);
        return ServiceProcess.start(name, "gateway-service", env, Duration.ofSeconds(90));
    }
}
