package dev.easel.gateway.rest;

/**
 * The name of the OpenAPI document's security scheme: an API key or a single-sign-on JWT as a bearer token,
 * declared on {@link JobResource} (the document takes schemes from resource classes) and required by every
 * resource ({@code @SecurityRequirement}); the operational routes under {@code /q} need no key.
 */
final class ApiSecurity {

    static final String SCHEME = "bearer";

    private ApiSecurity() {
    }
}
