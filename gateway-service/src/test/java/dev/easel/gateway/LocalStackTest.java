package dev.easel.gateway;

import dev.easel.testsupport.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;

/** Every gateway test application runs against the real local stack with a fresh database. */
@QuarkusTestResource(LocalStackResource.class)
public final class LocalStackTest {

    private LocalStackTest() {
    }
}
