package dev.easel.testsupport;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Topics, groups and the result cache's namespace of one test application, named with a random suffix so that
 * test runs and test classes never see each other's jobs (a worker test must not work through the jobs a gateway
 * test queued) nor each other's cached results.
 */
public record TestTopics(String jobs, String jobEvents, String deadLetters, String workerGroup, String gatewayGroup,
                         String cacheNamespace) {

    public static TestTopics create() {
        String suffix = "it-" + UUID.randomUUID().toString().substring(0, 8);
        TestTopics topics = new TestTopics("easel.jobs." + suffix, "easel.job-events." + suffix,
                "easel.jobs.dlq." + suffix, "easel-workers-" + suffix, "easel-gateway-" + suffix, "easel-" + suffix);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalStack.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topics.jobs, 1, (short) 1), new NewTopic(topics.jobEvents, 6, (short) 1),
                    new NewTopic(topics.deadLetters, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // A share group starts at the log end by default; jobs published before a worker joins must count.
            ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, topics.workerGroup);
            admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test topics " + topics, e);
        }
        return topics;
    }

    /** Removes the topics (best effort: a broker that is down keeps them, which is harmless). */
    public void delete() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", LocalStack.kafkaBootstrap(),
                "default.api.timeout.ms", 10000, "request.timeout.ms", 5000))) {
            admin.deleteTopics(List.of(jobs, jobEvents, deadLetters)).all().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("test topics not deleted: " + e.getMessage());
        }
    }

    /** The application properties that point a service at these topics. */
    public Map<String, String> config() {
        return Map.of("easel.topics.jobs", jobs, "easel.topics.job-events", jobEvents,
                "easel.topics.dead-letters", deadLetters, "easel.topics.worker-group", workerGroup,
                "easel.topics.gateway-group", gatewayGroup, "easel.cache.namespace", cacheNamespace);
    }

    /** The same as environment variables, for services started as processes. */
    public Map<String, String> env() {
        return Map.of("EASEL_TOPICS_JOBS", jobs, "EASEL_TOPICS_JOB_EVENTS", jobEvents,
                "EASEL_TOPICS_DEAD_LETTERS", deadLetters, "EASEL_TOPICS_WORKER_GROUP", workerGroup,
                "EASEL_TOPICS_GATEWAY_GROUP", gatewayGroup, "EASEL_CACHE_NAMESPACE", cacheNamespace);
    }
}
