package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;

/** Assertions on RFC 9457 answers, as the API contract (docs/api.md) promises them. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One {@code errors[]} entry, without its human-readable message. */
    public record FieldError(String field, String code) {
    }

    private Problems() {
    }

    /**
     * Asserts that the response is a problem document with this status and code, and every member the contract
     * requires.
     */
    public static JsonPath assertProblem(Response response, int status, String code) {
        String body = response.asString();
        assertThat(response.statusCode()).as("status of %s", body).isEqualTo(status);
        assertThat(response.contentType()).as("Content-Type of %s", body).startsWith(MEDIA_TYPE);
        JsonPath problem = JsonPath.from(body);
        assertThat(problem.getString("code")).as("code of %s", body).isEqualTo(code);
        assertThat(problem.getInt("status")).as("status member of %s", body).isEqualTo(status);
        assertThat(problem.getString("type")).as("type of %s", body).isEqualTo("https://easel.dev/problems/" + code);
        assertThat(problem.getString("title")).as("title of %s", body).isNotBlank();
        assertThat(problem.getString("detail")).as("detail of %s", body).isNotBlank();
        return problem;
    }

    /** The {@code errors[]} of a problem as (field, code) pairs; empty when it has none. */
    public static List<FieldError> fieldErrors(JsonPath problem) {
        List<Map<String, Object>> errors = problem.getList("errors");
        if (errors == null) {
            return List.of();
        }
        return errors.stream().map(e -> {
            assertThat(e.get("message")).as("message of %s", e).isInstanceOf(String.class);
            return new FieldError((String) e.get("field"), (String) e.get("code"));
        }).toList();
    }
}
