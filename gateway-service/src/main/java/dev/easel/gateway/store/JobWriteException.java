package dev.easel.gateway.store;

/** A new job's row could not be stored (the database refused the batch or is unreachable); nothing was kept. */
public class JobWriteException extends RuntimeException {

    public JobWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
