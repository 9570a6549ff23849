package dev.easel.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a Quarkus test application at the real local stack: Kafka and S3 (started when absent), the
 * machine's Redis, and, unless the init arg {@code database=false} is given, a fresh PostgreSQL database.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    private boolean withDatabase = true;
    private TestDatabase database;
    private TestTopics topics;

    @Override
    public void init(Map<String, String> initArgs) {
        withDatabase = !"false".equals(initArgs.get("database"));
    }

    @Override
    public Map<String, String> start() {
        LocalStack.ensureStarted();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", LocalStack.kafkaBootstrap());
        config.put("easel.storage.endpoint", LocalStack.s3Endpoint());
        config.put("easel.storage.bucket", LocalStack.s3Bucket());
        config.put("easel.storage.access-key-id", LocalStack.s3AccessKey());
        config.put("easel.storage.secret-access-key", LocalStack.s3SecretKey());
        config.put("quarkus.redis.hosts", LocalStack.redisUrl());
        topics = TestTopics.create();
        config.putAll(topics.config());
        if (withDatabase) {
            database = TestDatabase.create();
            config.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
            config.put("quarkus.datasource.username", LocalStack.postgresUser());
        }
        return config;
    }

    /** The database this resource created for the run, or null without one. */
    protected TestDatabase database() {
        return database;
    }

    @Override
    public void stop() {
        if (topics != null) {
            topics.delete();
        }
        if (database != null) {
            database.drop();
        }
    }
}
