package dev.easel.engine;

/** A failure of the engine with a stable code; {@code retryable} says whether another attempt may succeed. */
public class EngineException extends RuntimeException {

    private final String code;
    private final boolean retryable;

    public EngineException(String code, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}
