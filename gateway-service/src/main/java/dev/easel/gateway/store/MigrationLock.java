package dev.easel.gateway.store;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.inject.Singleton;
import java.util.Map;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Makes Flyway hold its migration lock as a session-level advisory lock instead of inside a transaction. Indexes on
 * the large tables are built {@code CONCURRENTLY}, which waits for every open transaction to end; with the lock
 * held in a transaction of Flyway's own it would wait for ever.
 */
@Singleton
public class MigrationLock implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
    }
}
