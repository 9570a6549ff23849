package dev.easel.worker;

import dev.easel.testsupport.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every worker test application runs against the real local stack; workers have no database. */
@QuarkusTestResource(value = LocalStackResource.class, initArgs = @ResourceArg(name = "database", value = "false"))
public final class LocalStackTest {

    private LocalStackTest() {
    }
}
