package dev.easel.gateway.store;

/** The job writer stopped before it stored a row: the gateway is shutting down and nothing was stored. */
public class ShuttingDownException extends RuntimeException {

    ShuttingDownException() {
        super("this gateway is shutting down; nothing was stored, send the request again");
    }
}
