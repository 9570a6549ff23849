package dev.easel.worker.job;

import dev.easel.worker.storage.StorageUnavailableException;

/** A failure that another attempt may not hit (storage, Redis or Kafka unavailable): the job is released. */
public class TransientJobException extends RuntimeException {

    private final String code;

    public TransientJobException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Storage out of reach fails the attempt, not the job ({@code storage_unavailable}). */
    static TransientJobException storageUnavailable(StorageUnavailableException e) {
        return new TransientJobException("storage_unavailable", e.getMessage(), e);
    }

    public String code() {
        return code;
    }
}
