package dev.easel.gateway.rest;

import static dev.easel.gateway.rest.Problems.assertProblem;
import static dev.easel.gateway.rest.Problems.fieldErrors;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.gateway.rest.Problems.FieldError;
import dev.easel.gateway.upload.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of the job request (docs/api.md) and every malformed request, one table row each: the status,
 * the problem code and exactly which fields are named. Bodies are written with single quotes for readability.
 */
@QuarkusTest
class ValidationIT {

    private static final String PNG_16 = TestImages.pngDataUrl(16, 16);
    private static final String PNG_24X16 = TestImages.pngDataUrl(24, 16);
    private static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

    static Stream<Arguments> invalidJobRequests() {
        String corrupt = TestImages.dataUrl("image/png", "this is not a PNG".getBytes(StandardCharsets.US_ASCII));
        String bomb = TestImages.dataUrl("image/png", TestImages.pngClaiming(100_000, 100_000));
        String inpaint = "'kind': 'inpaint', 'image': '" + PNG_16 + "', 'mask': '" + PNG_16 + "'";
        String outpaint = "'kind': 'outpaint', 'image': '" + PNG_16 + "'";
        String i2i = "'kind': 'image-to-image', 'image': '" + PNG_16 + "'";
        return Stream.of(
                // the JSON shape
                invalid("an unknown field", "{'prompt': 'x', 'colour': 'red'}", error("", "unknown_field")),
                invalid("an unknown outpaint side", "{" + outpaint + ", 'outpaint': {'left': 8, 'middle': 8}}",
                        error("outpaint", "unknown_field")),
                invalid("a prompt that is a number", "{'prompt': 42}", error("prompt", "invalid_type")),
                invalid("a width that is a string", "{'prompt': 'x', 'width': '64'}", error("width", "invalid_type")),
                invalid("a fractional step count", "{'prompt': 'x', 'steps': 2.5}", error("steps", "invalid_type")),
                invalid("a guidance scale that is a word", "{'prompt': 'x', 'guidance_scale': 'high'}",
                        error("guidance_scale", "invalid_type")),
                invalid("num_images as a boolean", "{'prompt': 'x', 'num_images': true}", error("num_images", "invalid_type")),
                invalid("a kind that is a number", "{'prompt': 'x', 'kind': 3}", error("kind", "invalid_type")),
                invalid("metadata that is an array", "{'prompt': 'x', 'metadata': [1]}", error("metadata", "invalid_type")),
                invalid("outpaint extents that are a string", "{" + outpaint + ", 'outpaint': 'wide'}",
                        error("outpaint", "invalid_type")),
                invalid("an outpaint side that is a string", "{" + outpaint + ", 'outpaint': {'top': '8'}}",
                        error("outpaint.top", "invalid_type")),
                invalid("cache as a boolean", "{'prompt': 'x', 'cache': true}", error("cache", "invalid_type")),
                invalid("a width beyond 32 bits", "{'prompt': 'x', 'width': 10000000000}", error("width", "out_of_range")),
                // prompt
                invalid("no prompt for text-to-image", "{'steps': 4}", error("prompt", "required")),
                invalid("a blank prompt", "{'prompt': '   '}", error("prompt", "required")),
                invalid("a prompt of 2001 characters", "{'prompt': '" + "a".repeat(2001) + "'}", error("prompt", "too_long")),
                invalid("a prompt of 2001 emoji (code points, not UTF-16 units)", "{'prompt': '" + "😀".repeat(2001) + "'}",
                        error("prompt", "too_long")),
                invalid("a negative prompt of 2001 characters",
                        "{'prompt': 'x', 'negative_prompt': '" + "b".repeat(2001) + "'}", error("negative_prompt", "too_long")),
                invalid("a NUL character in the prompt", "{'prompt': 'a\\u0000b'}", error("prompt", "unsupported_value")),
                invalid("an unpaired surrogate in the negative prompt", "{'prompt': 'x', 'negative_prompt': 'a\\ud800b'}",
                        error("negative_prompt", "unsupported_value")),
                // size
                invalid("a width not a multiple of 8", "{'prompt': 'x', 'width': 65}", error("width", "not_multiple_of_stride")),
                invalid("a height not a multiple of 8", "{'prompt': 'x', 'height': 100}", error("height", "not_multiple_of_stride")),
                invalid("a width above the model maximum", "{'prompt': 'x', 'width': 264}", error("width", "out_of_range")),
                invalid("a height above the model maximum", "{'prompt': 'x', 'height': 512}", error("height", "out_of_range")),
                invalid("a width below the stride", "{'prompt': 'x', 'width': 4}", error("width", "out_of_range")),
                invalid("a height of zero", "{'prompt': 'x', 'height': 0}", error("height", "out_of_range")),
                invalid("a negative width", "{'prompt': 'x', 'width': -64}", error("width", "out_of_range")),
                // sampling
                invalid("zero steps", "{'prompt': 'x', 'steps': 0}", error("steps", "out_of_range")),
                invalid("151 steps", "{'prompt': 'x', 'steps': 151}", error("steps", "out_of_range")),
                invalid("a negative guidance scale", "{'prompt': 'x', 'guidance_scale': -0.5}", error("guidance_scale", "out_of_range")),
                invalid("a guidance scale above 30", "{'prompt': 'x', 'guidance_scale': 30.5}", error("guidance_scale", "out_of_range")),
                invalid("an unknown scheduler", "{'prompt': 'x', 'scheduler': 'warp'}", error("scheduler", "unsupported_value")),
                invalid("a scheduler the model lacks", "{'prompt': 'x', 'scheduler': 'flow_euler'}",
                        error("scheduler", "unsupported_scheduler")),
                invalid("zero images", "{'prompt': 'x', 'num_images': 0}", error("num_images", "out_of_range")),
                invalid("five images", "{'prompt': 'x', 'num_images': 5}", error("num_images", "out_of_range")),
                invalid("a seed that is a string", "{'prompt': 'x', 'seed': '7'}", error("seed", "invalid_type")),
                invalid("a fractional seed", "{'prompt': 'x', 'seed': 1.5}", error("seed", "invalid_type")),
                invalid("a seed beyond 64 bits", "{'prompt': 'x', 'seed': 18446744073709551616}", error("seed", "invalid_type")),
                // kind and model
                invalidWithCode("an unknown kind", "{'prompt': 'x', 'kind': 'sketch'}", "unsupported_kind",
                        error("kind", "unsupported_kind")),
                invalidWithCode("an unknown model", "{'prompt': 'x', 'model': 'dall-e'}", "unsupported_model",
                        error("model", "unsupported_model")),
                // images
                invalid("image-to-image without an image", "{'kind': 'image-to-image', 'prompt': 'x'}", error("image", "required")),
                invalid("an image on text-to-image", "{'prompt': 'x', 'image': '" + PNG_16 + "'}",
                        error("image", "not_allowed_for_kind")),
                invalid("a mask on image-to-image", "{" + i2i + ", 'mask': '" + PNG_16 + "'}", error("mask", "not_allowed_for_kind")),
                invalid("inpaint without a mask", "{'kind': 'inpaint', 'image': '" + PNG_16 + "'}", error("mask", "required")),
                invalidWithCode("a mask of another size than the image",
                        "{'kind': 'inpaint', 'image': '" + PNG_24X16 + "', 'mask': '" + PNG_16 + "'}", "mask_mismatch",
                        error("mask", "mask_mismatch")),
                invalidWithCode("corrupt image bytes", "{'kind': 'image-to-image', 'image': '" + corrupt + "'}", "image_invalid",
                        error("image", "image_invalid")),
                invalidWithCode("an image that is neither a data URL nor an upload",
                        "{'kind': 'image-to-image', 'image': 'https://example.com/cat.png'}", "image_invalid",
                        error("image", "image_invalid")),
                invalidWithCode("a data URL that is not base64",
                        "{'kind': 'image-to-image', 'image': 'data:image/png;base64,%%%'}", "image_invalid",
                        error("image", "image_invalid")),
                invalidWithCode("an upload that does not exist", "{'kind': 'image-to-image', 'image': 'upload:doesnotexist'}",
                        "image_invalid", error("image", "image_invalid")),
                invalidWithCode("a PNG whose header claims 100000×100000 pixels",
                        "{'kind': 'image-to-image', 'image': '" + bomb + "'}", "image_too_large", error("image", "image_too_large")),
                invalidWithCode("an image wider than the model allows",
                        "{'kind': 'image-to-image', 'image': '" + TestImages.pngDataUrl(264, 16) + "'}", "image_too_large",
                        error("image", "image_too_large")),
                invalid("an image narrower than the stride",
                        "{'kind': 'image-to-image', 'image': '" + TestImages.pngDataUrl(4, 16) + "'}", error("image", "out_of_range")),
                // image-to-image and inpaint options
                invalid("a negative strength", "{" + i2i + ", 'strength': -0.1}", error("strength", "out_of_range")),
                invalid("a strength above 1", "{" + i2i + ", 'strength': 1.5}", error("strength", "out_of_range")),
                invalid("a strength on text-to-image", "{'prompt': 'x', 'strength': 0.5}", error("strength", "not_allowed_for_kind")),
                invalid("an unknown inpaint area", "{" + inpaint + ", 'inpaint_area': 'center'}",
                        error("inpaint_area", "unsupported_value")),
                invalid("an inpaint area on image-to-image", "{" + i2i + ", 'inpaint_area': 'masked'}",
                        error("inpaint_area", "not_allowed_for_kind")),
                invalid("a mask padding above 256", "{" + inpaint + ", 'mask_padding': 257}", error("mask_padding", "out_of_range")),
                invalid("a negative mask blur", "{" + inpaint + ", 'mask_blur': -1}", error("mask_blur", "out_of_range")),
                // outpaint
                invalid("outpaint without extents", "{" + outpaint + "}", error("outpaint", "required")),
                invalid("a negative outpaint extent", "{" + outpaint + ", 'outpaint': {'left': -8}}", error("outpaint.left", "out_of_range")),
                invalid("an outpaint extent off the stride", "{" + outpaint + ", 'outpaint': {'left': 3}}",
                        error("outpaint.left", "not_multiple_of_stride")),
                invalid("an outpaint canvas above the model maximum", "{" + outpaint + ", 'outpaint': {'right': 248}}",
                        error("outpaint.right", "out_of_range")),
                invalid("an outpaint canvas resized to width and height but grown past 4 x the model maximum",
                        "{" + outpaint + ", 'width': 64, 'height': 64, 'outpaint': {'left': 1008, 'right': 8}}",
                        error("outpaint.right", "out_of_range")),
                invalid("an outpaint extent of 2^30 with width and height",
                        "{" + outpaint + ", 'width': 64, 'height': 64, 'outpaint': {'top': 1073741824}}",
                        error("outpaint.top", "out_of_range")),
                invalid("outpaint extents that are all zero", "{" + outpaint + ", 'outpaint': {'left': 0, 'top': 0}}",
                        error("outpaint", "out_of_range")),
                invalid("outpaint extents on text-to-image", "{'prompt': 'x', 'outpaint': {'left': 8}}",
                        error("outpaint", "not_allowed_for_kind")),
                // the rest
                invalid("a start deadline of 0 s", "{'prompt': 'x', 'start_deadline_seconds': 0}",
                        error("start_deadline_seconds", "out_of_range")),
                invalid("a start deadline above a day", "{'prompt': 'x', 'start_deadline_seconds': 86401}",
                        error("start_deadline_seconds", "out_of_range")),
                invalid("an unknown cache mode", "{'prompt': 'x', 'cache': 'sometimes'}", error("cache", "unsupported_value")),
                invalid("metadata above 4 KiB", "{'prompt': 'x', 'metadata': {'note': '" + "m".repeat(4100) + "'}}",
                        error("metadata", "too_large")),
                invalid("metadata nested 9 levels", "{'prompt': 'x', 'metadata': " + nested(9, "1") + "}",
                        error("metadata", "too_large")),
                invalid("metadata nested 9 levels in an array", "{'prompt': 'x', 'metadata': {'a': " + nestedArrays(8) + "}}",
                        error("metadata", "too_large")),
                invalid("a NUL character in metadata", "{'prompt': 'x', 'metadata': {'note': 'a\\u0000'}}",
                        error("metadata", "unsupported_value")),
                // several at once
                invalid("eight violations at once",
                        "{'prompt': '', 'width': 100, 'steps': 0, 'scheduler': 'plms', 'seed': 1.5, 'colour': 1, 'cache': 'x', 'num_images': 9}",
                        error("", "unknown_field"), error("seed", "invalid_type"), error("prompt", "required"),
                        error("width", "not_multiple_of_stride"), error("steps", "out_of_range"),
                        error("scheduler", "unsupported_value"), error("num_images", "out_of_range"),
                        error("cache", "unsupported_value")),
                invalidWithCode("an unknown model among other violations",
                        "{'kind': 'image-to-image', 'model': 'dall-e', 'steps': 0}", "unsupported_model",
                        error("model", "unsupported_model"), error("image", "required"), error("steps", "out_of_range")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJobRequests")
    void refusesAnInvalidJobRequestNamingEveryOffendingField(String rule, String body, String code, List<FieldError> expected) {
        JsonPath problem = assertProblem(postJson(json(body)), 400, code);
        assertThat(fieldErrors(problem)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(problem.getString("instance")).isEqualTo("/v1/jobs");
    }

    static Stream<Arguments> requestsAtTheEdgeOfEveryRange() {
        return Stream.of(
                accepted("a prompt of 2000 emoji", "{'prompt': '" + "😀".repeat(2000) + "'}", "input.prompt", "😀".repeat(2000)),
                accepted("a width and height of one stride", "{'prompt': 'x', 'width': 8, 'height': 8}", "input.width", 8),
                accepted("the model's maximum size", "{'prompt': 'x', 'width': 256, 'height': 256}", "input.height", 256),
                accepted("a width written as a float", "{'prompt': 'x', 'width': 128.0}", "input.width", 128),
                accepted("one step", "{'prompt': 'x', 'steps': 1}", "input.steps", 1),
                accepted("150 steps", "{'prompt': 'x', 'steps': 150}", "input.steps", 150),
                accepted("a guidance scale of 0", "{'prompt': 'x', 'guidance_scale': 0}", "input.guidance_scale", 0.0f),
                accepted("a guidance scale of 30", "{'prompt': 'x', 'guidance_scale': 30}", "input.guidance_scale", 30.0f),
                accepted("four images", "{'prompt': 'x', 'num_images': 4}", "input.num_images", 4),
                accepted("a negative seed (any int64 is a seed)", "{'prompt': 'x', 'seed': -7}", "input.seed", -7),
                accepted("the largest seed", "{'prompt': 'x', 'seed': 9223372036854775807}", "input.seed", Long.MAX_VALUE),
                accepted("a null seed", "{'prompt': 'x', 'seed': null}", "input.prompt", "x"),
                accepted("a strength of 0", "{'kind': 'image-to-image', 'image': '" + PNG_16 + "', 'strength': 0}",
                        "input.strength", 0.0f),
                accepted("a strength of 1", "{'kind': 'image-to-image', 'image': '" + PNG_16 + "', 'strength': 1}",
                        "input.strength", 1.0f),
                accepted("a start deadline of one second", "{'prompt': 'x', 'start_deadline_seconds': 1}",
                        "input.start_deadline_seconds", 1),
                accepted("a start deadline of one day", "{'prompt': 'x', 'start_deadline_seconds': 86400}",
                        "input.start_deadline_seconds", 86400),
                accepted("metadata of exactly 4 KiB", "{'prompt': 'x', 'metadata': {'n': '" + "m".repeat(4096 - 8) + "'}}",
                        "metadata.n", "m".repeat(4096 - 8)),
                accepted("an outpaint canvas of 4 x the model maximum, resized to width and height",
                        "{'kind': 'outpaint', 'image': '" + PNG_16 + "', 'width': 64, 'height': 64, "
                                + "'outpaint': {'left': 1008}}", "input.outpaint.left", 1008),
                accepted("metadata nested 8 levels", "{'prompt': 'x', 'metadata': " + nested(8, "1") + "}",
                        "metadata.a.a.a.a.a.a.a.a", 1),
                accepted("cache bypass", "{'prompt': 'x', 'cache': 'bypass'}", "input.cache", "bypass"),
                accepted("a Chinese prompt", "{'prompt': '一个红色的圆'}", "input.prompt", "一个红色的圆"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestsAtTheEdgeOfEveryRange")
    void acceptsAJobRequestAtTheEdgeOfEveryRange(String rule, String body, String path, Object echoed) {
        Response response = postJson(json(body));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
        assertThat(response.<Object>path(path)).isEqualTo(echoed);
    }

    /** A request that is not a job request at all, and what the API must answer. */
    record Malformed(String name, Function<RequestSpecification, Response> send, int status, String code,
                     List<FieldError> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Malformed> malformedRequests() {
        String unknownJob = "/v1/jobs/" + UUID.randomUUID();
        return Stream.of(
                malformed("malformed JSON", r -> r.contentType("application/json").body("{\"prompt\":").post("/v1/jobs"),
                        400, "invalid_request", error("", "malformed_json")),
                malformed("an empty body", r -> r.contentType("application/json").body(new byte[0]).post("/v1/jobs"),
                        400, "invalid_request", error("", "malformed_json")),
                malformed("a JSON array", r -> r.contentType("application/json").body("[{\"prompt\": \"x\"}]").post("/v1/jobs"),
                        400, "invalid_request", error("", "invalid_type")),
                malformed("a JSON string", r -> r.contentType("application/json").body("\"x\"").post("/v1/jobs"),
                        400, "invalid_request", error("", "invalid_type")),
                malformed("JSON null", r -> r.contentType("application/json").body("null").post("/v1/jobs"),
                        400, "invalid_request", error("", "invalid_type")),
                malformed("a repeated key", r -> r.contentType("application/json").body("{\"prompt\": \"a\", \"prompt\": \"b\"}")
                        .post("/v1/jobs"), 400, "invalid_request", error("", "malformed_json")),
                malformed("a body nested 16 levels: parsed, then its metadata refused", r -> r.contentType("application/json")
                        .body(json("{'prompt': 'x', 'metadata': " + nested(15, "1") + "}")).post("/v1/jobs"),
                        400, "invalid_request", error("metadata", "too_large")),
                malformed("a body nested 17 levels", r -> r.contentType("application/json")
                        .body(json("{'prompt': 'x', 'metadata': " + nested(16, "1") + "}")).post("/v1/jobs"),
                        400, "invalid_request", error("", "too_large")),
                malformed("a body of 10,000 tokens: parsed, then its metadata refused", r -> r.contentType("application/json")
                        .body(tokens(10_000)).post("/v1/jobs"), 400, "invalid_request", error("metadata", "too_large")),
                malformed("a body of 10,001 tokens", r -> r.contentType("application/json")
                        .body(tokens(10_001)).post("/v1/jobs"), 400, "invalid_request", error("", "too_large")),
                malformed("32 MiB of empty objects (once 1.4 GB of heap to parse)", r -> r.contentType("application/json")
                        .body(emptyObjects((int) MAX_BODY_BYTES)).post("/v1/jobs"), 400, "invalid_request", error("", "too_large")),
                malformed("a number of 64 digits: parsed, then refused as a seed", r -> r.contentType("application/json")
                        .body("{\"prompt\": \"x\", \"seed\": " + "1".repeat(64) + "}").post("/v1/jobs"),
                        400, "invalid_request", error("seed", "invalid_type")),
                malformed("a number of 65 digits", r -> r.contentType("application/json")
                        .body("{\"prompt\": \"x\", \"seed\": " + "1".repeat(65) + "}").post("/v1/jobs"),
                        400, "invalid_request", error("", "too_large")),
                malformed("trailing data after the object", r -> r.contentType("application/json").body("{\"prompt\": \"a\"} {}")
                        .post("/v1/jobs"), 400, "invalid_request", error("", "malformed_json")),
                malformed("bytes that are not UTF-8", r -> r.contentType("application/json")
                        .body(new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}).post("/v1/jobs"),
                        400, "invalid_request", error("", "malformed_json")),
                malformed("a text/plain body", r -> r.contentType("text/plain").body("{\"prompt\": \"x\"}").post("/v1/jobs"),
                        415, "unsupported_media_type"),
                malformed("a form-urlencoded body", r -> r.contentType("application/x-www-form-urlencoded").body("prompt=x")
                        .post("/v1/jobs"), 415, "unsupported_media_type"),
                malformed("a Content-Type without a subtype", r -> r.contentType("application/").body(json("{}")).post("/v1/jobs"),
                        400, "invalid_request", error("Content-Type", "invalid_type")),
                malformed("a Content-Type that is only separators", r -> r.contentType(";;;").body(json("{}")).post("/v1/jobs"),
                        400, "invalid_request", error("Content-Type", "invalid_type")),
                malformed("a GIF upload", r -> r.contentType("image/gif").body("GIF89a".getBytes(StandardCharsets.US_ASCII))
                        .post("/v1/uploads"), 415, "unsupported_media_type"),
                malformed("an unknown path", r -> r.get("/v1/nothing-here"), 404, "not_found"),
                malformed("a path outside the API", r -> r.get("/no/such/thing"), 404, "not_found"),
                malformed("DELETE on the job collection", r -> r.delete("/v1/jobs"), 405, "method_not_allowed"),
                malformed("PUT on a job", r -> r.contentType("application/json").body("{}").put(unknownJob), 405, "method_not_allowed"),
                malformed("GET on uploads", r -> r.get("/v1/uploads"), 405, "method_not_allowed"),
                malformed("an Accept header the API cannot serve", r -> r.accept("text/html").get("/v1/jobs"),
                        406, "not_acceptable"),
                malformed("a JSON body above easel.api.max-body-bytes", r -> r.contentType("application/json")
                        .body(oversizedJson()).post("/v1/jobs"), 413, "payload_too_large"),
                malformed("a body above the HTTP layer's own 64 MiB limit", r -> r.contentType("application/json")
                        .body(new byte[65 * 1024 * 1024]).post("/v1/jobs"), 413, "payload_too_large"),
                malformed("an upload above easel.api.max-body-bytes", r -> r.contentType("image/png")
                        .body(new byte[(int) MAX_BODY_BYTES + 1]).post("/v1/uploads"), 413, "payload_too_large"),
                malformed("a page size of 0", r -> r.queryParam("limit", "0").get("/v1/jobs"),
                        400, "invalid_request", error("limit", "out_of_range")),
                malformed("a page size of 101", r -> r.queryParam("limit", "101").get("/v1/jobs"),
                        400, "invalid_request", error("limit", "out_of_range")),
                malformed("a page size that is a word", r -> r.queryParam("limit", "ten").get("/v1/jobs"),
                        400, "invalid_request", error("limit", "invalid_type")),
                malformed("an unknown status filter", r -> r.queryParam("status", "done").get("/v1/jobs"),
                        400, "invalid_request", error("status", "unsupported_value")),
                malformed("a cursor the API never issued", r -> r.queryParam("cursor", "not-a-cursor").get("/v1/jobs"),
                        400, "invalid_request", error("cursor", "invalid_type")),
                malformed("a well-encoded cursor with a bad id", r -> r.queryParam("cursor", Base64.getUrlEncoder()
                        .encodeToString("1:2:not-a-uuid".getBytes(StandardCharsets.UTF_8))).get("/v1/jobs"),
                        400, "invalid_request", error("cursor", "invalid_type")),
                malformed("a job id that is not a UUID", r -> r.get("/v1/jobs/not-a-uuid"), 404, "not_found"),
                malformed("an unknown job id", r -> r.get(unknownJob), 404, "not_found"),
                malformed("cancelling an unknown job", r -> r.post(unknownJob + "/cancel"), 404, "not_found"),
                malformed("events of an unknown job", r -> r.accept("text/event-stream").get(unknownJob + "/events"),
                        404, "not_found"),
                malformed("an Idempotency-Key with a space", r -> r.header("Idempotency-Key", "two words")
                        .contentType("application/json").body("{\"prompt\": \"x\"}").post("/v1/jobs"),
                        400, "invalid_request", error("Idempotency-Key", "invalid_type")),
                malformed("an Idempotency-Key of 256 characters", r -> r.header("Idempotency-Key", "k".repeat(256))
                        .contentType("application/json").body("{\"prompt\": \"x\"}").post("/v1/jobs"),
                        400, "invalid_request", error("Idempotency-Key", "invalid_type")),
                malformed("a multipart job without its request part", r -> r.multiPart("image", "a.png", TestImages.png(16, 16),
                        "image/png").post("/v1/jobs"), 400, "invalid_request", error("request", "required")),
                malformed("a multipart job whose request part is not JSON", r -> r.multiPart("request", "{oops")
                        .post("/v1/jobs"), 400, "invalid_request", error("", "malformed_json")),
                malformed("a multipart job with the image twice", r -> r
                        .multiPart("request", "{\"kind\": \"image-to-image\", \"image\": \"" + PNG_16 + "\"}")
                        .multiPart("image", "a.png", TestImages.png(16, 16), "image/png").post("/v1/jobs"),
                        400, "invalid_request", error("image", "unsupported_value")),
                malformed("a multipart upload with another part instead of its file", r -> r.multiPart("other", "x")
                        .post("/v1/uploads"), 400, "invalid_request", error("", "unknown_field")),
                malformed("a multipart upload without any part", r -> r.contentType("multipart/form-data; boundary=none")
                        .body("--none--\r\n".getBytes(StandardCharsets.US_ASCII)).post("/v1/uploads"),
                        400, "invalid_request", error("file", "required")),
                malformed("a multipart body cut off before its closing boundary", r -> r
                        .contentType("multipart/form-data; boundary=cut")
                        .body("--cut\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{\"pro".getBytes(StandardCharsets.US_ASCII))
                        .post("/v1/jobs"), 400, "invalid_request", error("", "invalid_type")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void answersARequestThatIsNotAJobRequestWithAProblem(Malformed request) {
        JsonPath problem = assertProblem(request.send().apply(given()), request.status(), request.code());
        assertThat(fieldErrors(problem)).containsExactlyInAnyOrderElementsOf(request.errors());
    }

    private static Arguments invalid(String rule, String body, FieldError... errors) {
        return invalidWithCode(rule, body, "invalid_request", errors);
    }

    private static Arguments invalidWithCode(String rule, String body, String code, FieldError... errors) {
        return Arguments.of(rule, body, code, Arrays.asList(errors));
    }

    private static Arguments accepted(String rule, String body, String path, Object echoed) {
        return Arguments.of(rule, body, path, echoed);
    }

    private static Malformed malformed(String name, Function<RequestSpecification, Response> send, int status, String code,
                                       FieldError... errors) {
        return new Malformed(name, send, status, code, List.of(errors));
    }

    private static FieldError error(String field, String code) {
        return new FieldError(field, code);
    }

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    /** {@code levels} objects, each the value of the next one's field {@code a}, around {@code leaf}. */
    private static String nested(int levels, String leaf) {
        return "{'a': ".repeat(levels) + leaf + "}".repeat(levels);
    }

    private static String nestedArrays(int levels) {
        return "[".repeat(levels) + "1" + "]".repeat(levels);
    }

    /**
     * A job of exactly {@code count} JSON tokens (each bracket, name and value is one): its metadata holds an array
     * of zeros.
     */
    private static byte[] tokens(int count) {
        // {, "prompt", "x", "metadata", {, "a", [ ... ], }, }: ten tokens around the zeros.
        String zeros = String.join(",", Collections.nCopies(count - 10, "0"));
        return json("{'prompt': 'x', 'metadata': {'a': [" + zeros + "]}}");
    }

    /** {@code {"metadata": [{}, {}, ...]}} of exactly {@code size} bytes. */
    private static byte[] emptyObjects(int size) {
        byte[] head = "{\"metadata\": [".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[size];
        System.arraycopy(head, 0, body, 0, head.length);
        int at = head.length;
        while (at + 3 <= size - 2) {
            body[at++] = '{';
            body[at++] = '}';
            body[at++] = ',';
        }
        body[at - 1] = ' ';
        Arrays.fill(body, at, size - 2, (byte) ' ');
        body[size - 2] = ']';
        body[size - 1] = '}';
        return body;
    }

    private static byte[] oversizedJson() {
        byte[] body = new byte[(int) MAX_BODY_BYTES + 64];
        Arrays.fill(body, (byte) 'a');
        byte[] head = "{\"prompt\": \"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, body, 0, head.length);
        body[body.length - 2] = '"';
        body[body.length - 1] = '}';
        return body;
    }

    private static Response postJson(byte[] body) {
        return given().contentType("application/json").body(body).post("/v1/jobs");
    }
}
