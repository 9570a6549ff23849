package dev.easel.testsupport;

import java.util.Map;

/**
 * The credentials every test gateway starts with: authentication stays on in tests, and the suite calls the API
 * with an operator key that the gateway stores at start as its bootstrap key. Test values only: never deploy them.
 */
public final class TestKeys {

    /** The server-side pepper of test gateways. */
    public static final String PEPPER = "test-pepper-not-a-secret-0123456789abcdef";

    /** An operator key of tenant {@value #OPERATOR_TENANT}. */
    public static final String OPERATOR = "easel_sk_testoperator0001_T3st0nlyT3st0nlyT3st0nlyT3st0nlyT3st0nlyAAA";

    public static final String OPERATOR_TENANT = "operators";

    private TestKeys() {
    }

    /** {@code Authorization} header value for the operator key. */
    public static String operatorBearer() {
        return "Bearer " + OPERATOR;
    }

    /** Gateway configuration that turns on authentication with these keys. */
    public static Map<String, String> gatewayConfig() {
        return Map.of("easel.auth.pepper", PEPPER, "easel.auth.bootstrap-key", OPERATOR,
                "easel.auth.bootstrap-tenant", OPERATOR_TENANT);
    }

    /** The same as environment variables, for a gateway started as a process. */
    public static Map<String, String> gatewayEnvironment() {
        return Map.of("EASEL_AUTH_PEPPER", PEPPER, "EASEL_AUTH_BOOTSTRAP_KEY", OPERATOR,
                "EASEL_AUTH_BOOTSTRAP_TENANT", OPERATOR_TENANT);
    }
}
