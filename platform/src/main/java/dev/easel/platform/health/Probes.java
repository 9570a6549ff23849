package dev.easel.platform.health;

import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** Turns a failed dependency call into a DOWN response that says why, without a stack trace. */
public final class Probes {

    private Probes() {
    }

    public static HealthCheckResponse down(HealthCheckResponseBuilder response, Throwable failure) {
        return response.down().withData("error", describe(failure)).build();
    }

    /** UP with {@code state: degraded}: the dependency failed, but the service works on without it. */
    public static HealthCheckResponse degraded(HealthCheckResponseBuilder response, Throwable failure) {
        return response.up().withData("state", "degraded").withData("error", describe(failure)).build();
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return cause.getClass().getSimpleName() + ": " + message;
    }
}
