package dev.easel.worker.job;

/** A failure that another attempt may not hit (storage, Redis or Kafka unavailable): the job is released. */
public class TransientJobException extends RuntimeException {

    private final String code;

    public TransientJobException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
