package dev.easel.gateway.identity;

/** A tenant is to be created with an id that is taken. */
public class TenantExistsException extends RuntimeException {

    public TenantExistsException(String id) {
        super("tenant " + id + " exists already");
    }
}
