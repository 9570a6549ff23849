package dev.easel.common.json;

/** JSON that could not be written or read as the expected wire type. */
public final class JsonCodecException extends RuntimeException {

    public JsonCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
