package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.storage.StorageKeys;
import dev.easel.gateway.rest.MultipartBody.Part;
import dev.easel.gateway.rest.RawHttp.Answer;
import dev.easel.gateway.rest.RawHttp.Framing;
import dev.easel.gateway.upload.TestImages;
import dev.easel.gateway.upload.UploadConfig;
import dev.easel.platform.storage.StorageConfig;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every path that reads a request body, at every size class that a buffer or limit on the way separates, through
 * every framing a client may use. The sizes: 1 byte; 10,240 and 10,241 bytes (either side of the REST layer's
 * default input buffer, where JSON bodies of declared length once reached the endpoint as zeros); 64 KiB; 900 KiB
 * (below the body read ahead on the event loop); the path's limit and one byte more.
 *
 * <p>An accepted body proves it arrived whole: the image sits at its end and is read back from storage.
 */
@QuarkusTest
class RequestBodySizesIT {

    private static final String BOUNDARY = "easel-size-test";
    private static final Refusal OVER_THE_BODY_LIMIT = new Refusal(413, "payload_too_large", null);
    private static final Refusal OVER_THE_IMAGE_LIMIT = new Refusal(400, "image_too_large", null);
    private static final Refusal NOT_AN_IMAGE = new Refusal(400, "image_invalid", null);

    @TestHTTPResource("/")
    URL base;

    @Inject
    ApiConfig api;

    @Inject
    UploadConfig uploadConfig;

    @Inject
    StorageConfig storage;

    @Inject
    S3Client s3;

    static Stream<Arguments> bodies() {
        List<Arguments> cases = new ArrayList<>();
        for (Framing framing : Framing.values()) {
            for (String size : List.of("1", "10240", "10241", "65536", "921600", LIMIT, ABOVE_LIMIT)) {
                cases.add(Arguments.of(size, framing));
            }
        }
        return cases.stream();
    }

    private static final String LIMIT = "the limit";
    private static final String ABOVE_LIMIT = "the limit + 1";

    /** A size of the table in bytes, given the path's limit. */
    private static int bytes(String size, long limit) {
        return (int) switch (size) {
            case LIMIT -> limit;
            case ABOVE_LIMIT -> limit + 1;
            default -> Long.parseLong(size);
        };
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @MethodSource("bodies")
    void aJsonJob(String sizeClass, Framing framing) throws IOException {
        long limit = api.maxBodyBytes();
        int size = bytes(sizeClass, limit);
        byte[] image = TestImages.png(16, 16);
        byte[] body = size == 1 ? new byte[] {'7'} : padded(jsonJob(image), size);
        judge(RawHttp.post(base, "/v1/jobs", "application/json", body, framing), size, limit,
                new Refusal(400, "invalid_request", "the request body must be a JSON object"), OVER_THE_BODY_LIMIT,
                answer -> assertStaged(answer, image));
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @MethodSource("bodies")
    void aMultipartJob(String sizeClass, Framing framing) throws IOException {
        long limit = api.maxBodyBytes();
        int size = bytes(sizeClass, limit);
        byte[] image = TestImages.png(16, 16);
        byte[] body = size == 1 ? new byte[] {'7'} : multipartJob(image, size);
        judge(RawHttp.post(base, "/v1/jobs", "multipart/form-data; boundary=" + BOUNDARY, body, framing), size, limit,
                new Refusal(400, "invalid_request", null), OVER_THE_BODY_LIMIT, answer -> assertStaged(answer, image));
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @MethodSource("bodies")
    void anUpload(String sizeClass, Framing framing) throws IOException {
        long limit = uploadConfig.maxBytes();
        int size = bytes(sizeClass, limit);
        byte[] image = size == 1 ? new byte[] {(byte) 0x89} : uploadableImage(size);
        judge(RawHttp.post(base, "/v1/uploads", "image/png", image, framing), size, limit, NOT_AN_IMAGE,
                OVER_THE_IMAGE_LIMIT, answer -> assertUploaded(answer, image));
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @MethodSource("bodies")
    void anUploadForm(String sizeClass, Framing framing) throws IOException {
        long limit = uploadConfig.maxBytes();
        int size = bytes(sizeClass, limit);
        byte[] image = size == 1 ? new byte[] {(byte) 0x89} : uploadableImage(size);
        byte[] body = multipart(List.of(part("file", "in.png", "image/png", image)));
        judge(RawHttp.post(base, "/v1/uploads", "multipart/form-data; boundary=" + BOUNDARY, body, framing), size,
                limit, NOT_AN_IMAGE, OVER_THE_IMAGE_LIMIT, answer -> assertUploaded(answer, image));
    }

    /** A problem answer a test expects: status, code, and a phrase of its detail when given. */
    private record Refusal(int status, String code, String detail) {
    }

    /** What an accepted body must have led to. */
    private interface Accepted {
        void check(Answer answer) throws IOException;
    }

    /** A 1-byte body is refused as {@code tiny}, one over the path's limit as {@code over}; any other is accepted. */
    private static void judge(Answer answer, int size, long limit, Refusal tiny, Refusal over, Accepted accepted)
            throws IOException {
        if (size == 1) {
            assertRefused(answer, tiny);
        } else if (size > limit) {
            assertRefused(answer, over);
        } else {
            accepted.check(answer);
        }
    }

    /** An image-to-image job whose image comes last, so that it is read only when the whole body arrived. */
    private static byte[] jsonJob(byte[] image) {
        return ("{\"kind\": \"image-to-image\", \"prompt\": \"body size " + UUID.randomUUID() + "\", \"image\": \""
                + TestImages.dataUrl("image/png", image) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code json} with spaces after its first brace, {@code size} bytes in all. */
    private static byte[] padded(byte[] json, int size) {
        assertThat(size).as("the smallest body of this kind").isGreaterThanOrEqualTo(json.length);
        byte[] body = new byte[size];
        body[0] = json[0];
        Arrays.fill(body, 1, 1 + size - json.length, (byte) ' ');
        System.arraycopy(json, 1, body, 1 + size - json.length, json.length - 1);
        return body;
    }

    private static byte[] multipartJob(byte[] image, int size) {
        byte[] request = "{\"kind\": \"image-to-image\", \"prompt\": \"multipart size %s\"}"
                .formatted(UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        int unpadded = multipart(List.of(part("request", null, null, request), part("image", "in.png", "image/png", image))).length;
        byte[] paddedRequest = padded(request, request.length + size - unpadded);
        return multipart(List.of(part("request", null, null, paddedRequest), part("image", "in.png", "image/png", image)));
    }

    /** A PNG of {@code size} bytes, every one of them part of the image (trailing bytes are not stored). */
    private static byte[] uploadableImage(int size) {
        return TestImages.pngOfSize(size);
    }

    private static Part part(String name, String filename, String contentType, byte[] bytes) {
        return new Part(name, filename, contentType, bytes);
    }

    private static byte[] multipart(List<Part> parts) {
        return MultipartBody.of(BOUNDARY, parts);
    }

    private void assertStaged(Answer answer, byte[] image) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        JsonNode job = JsonCodec.mapper().readTree(answer.body());
        String ref = job.path("input").path("image").asText();
        assertThat(ref).as(answer.text()).startsWith("upload:");
        assertThat(stored(ref.substring("upload:".length()))).as("the staged image").isEqualTo(image);
    }

    private void assertUploaded(Answer answer, byte[] image) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        JsonNode uploaded = JsonCodec.mapper().readTree(answer.body());
        assertThat(uploaded.path("bytes").asLong()).isEqualTo(image.length);
        assertThat(stored(uploaded.path("id").asText())).as("the stored image").isEqualTo(image);
    }

    private byte[] stored(String uploadId) {
        return s3.getObjectAsBytes(get -> get.bucket(storage.bucket()).key(StorageKeys.upload(TestKeys.OPERATOR_TENANT, uploadId))).asByteArray();
    }

    private static void assertRefused(Answer answer, Refusal expected) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(expected.status());
        assertThat(answer.headers().get("content-type")).startsWith(Problems.MEDIA_TYPE);
        JsonNode problem = JsonCodec.mapper().readTree(answer.body());
        assertThat(problem.path("code").asText()).as(answer.text()).isEqualTo(expected.code());
        if (expected.detail() != null) {
            assertThat(answer.text()).contains(expected.detail());
        }
    }
}
