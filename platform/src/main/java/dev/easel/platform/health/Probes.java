package dev.easel.platform.health;

import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** Turns a failed dependency call into a DOWN response that says why, without a stack trace. */
public final class Probes {

    private Probes() {
    }

    public static HealthCheckResponse down(HealthCheckResponseBuilder response, Throwable failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return response.down().withData("error", cause.getClass().getSimpleName() + ": " + message).build();
    }
}
