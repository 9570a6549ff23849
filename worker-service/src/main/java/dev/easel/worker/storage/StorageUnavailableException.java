package dev.easel.worker.storage;

/**
 * Object storage could not be reached or refused a call: a failure of this moment, not of the object asked for.
 * Storage's own exception, so that storage needs nothing of the code that calls it; that code decides what the
 * failure means for its work (a job's attempt is released, a cache lookup is skipped).
 */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
