package dev.easel.worker;

import dev.easel.testsupport.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Not a test: the place of the declaration that every {@code @QuarkusTest} application of this module runs against
 * the real local stack (Kafka, Redis, S3; workers have no database). Quarkus applies a test resource declared on
 * any class of the test sources to all of them, so it needs a class of its own, not one test's.
 */
@QuarkusTestResource(value = LocalStackResource.class, initArgs = @ResourceArg(name = "database", value = "false"))
public final class LocalStackForQuarkusTests {

    private LocalStackForQuarkusTests() {
    }
}
