package dev.easel.gateway;

import io.quarkus.test.common.QuarkusTestResource;

/** Every gateway test application runs against the real local stack with a fresh database, authentication on. */
@QuarkusTestResource(GatewayStack.class)
public final class LocalStackTest {

    private LocalStackTest() {
    }
}
