package dev.easel.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.easel.gateway.ApiDocsTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document describes every {@code /v1} operation, its errors as problem+json included, and every one of
 * them is in the contract, {@code docs/api.md}.
 */
@QuarkusTest
class OpenApiIT {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private JsonNode document;

    /** One operation of the document, named for failure messages. */
    record Operation(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    @BeforeEach
    void fetch() throws Exception {
        Response response = given().queryParam("format", "json").get("/q/openapi");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        document = new ObjectMapper().readTree(response.asByteArray());
    }

    @Test
    void isAnOpenApi3DocumentWithTitleAndVersion() {
        assertThat(document.path("openapi").asText()).startsWith("3.");
        assertThat(document.path("info").path("title").asText()).isEqualTo("Easel API");
        assertThat(document.path("info").path("version").asText()).isNotBlank();
        assertThat(document.path("paths").isObject()).isTrue();
    }

    @Test
    void documentsEveryOperationOfTheContract() {
        Set<String> ids = new HashSet<>();
        operations().forEach(op -> ids.add(op.node().path("operationId").asText()));
        assertThat(ids).contains("createJob", "getJob", "listJobs", "cancelJob", "streamJobEvents", "uploadImage", "listModels");
        assertThat(operations()).extracting(Operation::toString).contains("POST /v1/jobs", "GET /v1/jobs",
                "GET /v1/jobs/{id}", "POST /v1/jobs/{id}/cancel", "GET /v1/jobs/{id}/events", "POST /v1/uploads",
                "GET /v1/models");
    }

    @Test
    void everyOperationAsksForTheBearerKeyTheSchemeDescribes() {
        JsonNode scheme = document.path("components").path("securitySchemes").path("bearer");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        assertThat(operations()).isNotEmpty().allSatisfy(op -> assertThat(op.node().path("security").toString())
                .as("security of %s", op).isEqualTo("[{\"bearer\":[]}]"));
    }

    @Test
    void everyOperationIsInTheContract() throws Exception {
        String contract = Files.readString(ApiDocsTest.repositoryRoot().resolve("docs/api.md"));
        assertThat(operations()).isNotEmpty().allSatisfy(op -> assertThat(contract)
                .as("docs/api.md lists %s", op)
                .contains("| `" + op.method().toUpperCase() + "` | `" + op.path() + "` |"));
    }

    @Test
    void everyOperationHasAUniqueOperationIdADescriptionAndASuccessResponse() {
        SoftAssertions softly = new SoftAssertions();
        Set<String> seen = new HashSet<>();
        for (Operation op : operations()) {
            String id = op.node().path("operationId").asText();
            softly.assertThat(id).as("operationId of %s", op).isNotBlank();
            softly.assertThat(seen.add(id)).as("operationId %s of %s is unique", id, op).isTrue();
            softly.assertThat(op.node().path("description").asText()).as("description of %s", op).isNotBlank();
            softly.assertThat(op.node().path("summary").asText()).as("summary of %s", op).isNotBlank();
            List<String> statuses = new ArrayList<>();
            op.node().path("responses").fieldNames().forEachRemaining(statuses::add);
            softly.assertThat(statuses).as("responses of %s", op).anyMatch(s -> s.startsWith("2"));
        }
        softly.assertAll();
    }

    @Test
    void everyDocumentedErrorIsAProblemDocument() {
        SoftAssertions softly = new SoftAssertions();
        int errors = 0;
        for (Operation op : operations()) {
            for (Map.Entry<String, JsonNode> response : op.node().path("responses").properties()) {
                String status = response.getKey();
                if (!status.startsWith("4") && !status.startsWith("5") && !status.equals("default")) {
                    continue;
                }
                errors++;
                JsonNode content = response.getValue().path("content");
                softly.assertThat(response.getValue().path("description").asText()).as("%s %s description", op, status)
                        .isNotBlank();
                softly.assertThat(fieldNames(content)).as("%s %s media types", op, status).containsExactly(Problems.MEDIA_TYPE);
                softly.assertThat(content.path(Problems.MEDIA_TYPE).path("schema").path("$ref").asText())
                        .as("%s %s schema", op, status).isEqualTo("#/components/schemas/Problem");
            }
        }
        softly.assertAll();
        assertThat(errors).as("documented error responses").isGreaterThanOrEqualTo(10);
    }

    @Test
    void theProblemSchemaHasTheMembersOfRfc9457AndACode() {
        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertThat(fieldNames(problem)).contains("type", "title", "status", "detail", "instance", "code", "errors");
    }

    @Test
    void jobSubmissionAndUploadDocumentEveryBodyTheyAccept() {
        JsonNode createJob = document.path("paths").path("/v1/jobs").path("post").path("requestBody").path("content");
        assertThat(fieldNames(createJob)).contains("application/json", "multipart/form-data");
        assertThat(fieldNames(createJob.path("multipart/form-data").path("schema").path("properties")))
                .contains("request", "image", "mask");
        JsonNode upload = document.path("paths").path("/v1/uploads").path("post").path("requestBody").path("content");
        assertThat(fieldNames(upload)).contains("image/png", "image/jpeg", "image/webp", "multipart/form-data");
    }

    private List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            if (!path.getKey().startsWith("/v1/") && !path.getKey().equals("/v1")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (METHODS.contains(method.getKey())) {
                    operations.add(new Operation(method.getKey(), path.getKey(), method.getValue()));
                }
            }
        }
        assertThat(operations).as("operations under /v1").isNotEmpty();
        return operations;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
