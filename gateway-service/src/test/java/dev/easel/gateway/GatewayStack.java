package dev.easel.gateway;

import dev.easel.testsupport.LocalStackResource;
import dev.easel.testsupport.TestKeys;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.util.HashMap;
import java.util.Map;

/**
 * The local stack of {@link LocalStackResource} with authentication on: the gateway stores the test operator key
 * at start ({@link TestKeys}), and every RestAssured request of the suite carries it unless the test sends an
 * {@code Authorization} of its own, or none ({@code given().noFilters()}).
 */
public class GatewayStack extends LocalStackResource {

    private static final Filter OPERATOR_KEY = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", TestKeys.operatorBearer());
        }
        return context.next(request, response);
    };

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.putAll(TestKeys.gatewayConfig());
        if (!RestAssured.filters().contains(OPERATOR_KEY)) {
            RestAssured.filters(OPERATOR_KEY);
        }
        return config;
    }
}
