package dev.easel.engine;

/**
 * The request cannot be generated as given (sizes, mask, scheduler, image bytes). Deterministic: retrying
 * the same input fails the same way. {@code field} names the request field at fault.
 */
public class InvalidInputException extends EngineException {

    private final String field;

    public InvalidInputException(String code, String field, String message) {
        super(code, message, false, null);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
