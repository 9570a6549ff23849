package dev.easel.gateway.admission;

/** An {@code Idempotency-Key} that already named a job is sent with a different request body. */
public class IdempotencyKeyReusedException extends RuntimeException {

    IdempotencyKeyReusedException() {
        super("this Idempotency-Key was already used with a different request body");
    }
}
