package dev.easel.gateway.upload;

import static dev.easel.gateway.rest.Problems.assertProblem;
import static dev.easel.gateway.rest.Problems.fieldErrors;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.storage.StorageKeys;
import dev.easel.gateway.rest.Problems.FieldError;
import dev.easel.platform.storage.StorageConfig;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code POST /v1/uploads} with real PNG, JPEG and WebP files, and the three ways a job names an input image:
 * {@code upload:<id>}, an inline data URL (staged to storage), and a multipart file part.
 */
@QuarkusTest
class UploadIT {

    private static final String UPLOAD_ID = "[0-9a-f]{32}";
    private static final String STAGED_REF = "upload:[0-9a-f]{32}";

    @Inject
    S3Client s3;

    @Inject
    StorageConfig storage;

    @Test
    void whatFollowsAnImagesEndIsNotStoredHoweverItCame() {
        byte[] png = TestImages.png(24, 16);
        byte[] jpeg = TestImages.jpeg(16, 8);
        byte[] trailer = "PK\u0003\u0004<html><script>alert(1)</script>".getBytes(StandardCharsets.ISO_8859_1);

        Response raw = upload("image/png", concat(png, trailer));
        assertThat(raw.<Integer>path("bytes")).isEqualTo(png.length);
        assertThat(stored(raw.path("id"))).isEqualTo(png);
        Response form = given().multiPart("file", "photo.jpg", concat(jpeg, trailer), "image/jpeg").post("/v1/uploads");
        assertThat(stored(form.path("id"))).isEqualTo(jpeg);
        Response job = submit("{\"kind\": \"image-to-image\", \"prompt\": \"trailing " + UUID.randomUUID()
                + "\", \"image\": \"" + TestImages.dataUrl("image/png", concat(png, trailer)) + "\"}");
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        assertThat(stored(job.<String>path("input.image").substring("upload:".length()))).isEqualTo(png);
    }

    private byte[] stored(String id) {
        return s3.getObjectAsBytes(get -> get.bucket(storage.bucket()).key(StorageKeys.upload(TestKeys.OPERATOR_TENANT, id)))
                .asByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void storesAPngSentAsTheBody() {
        Response stored = upload("image/png", TestImages.png(24, 16));
        assertStored(stored, 24, 16, "image/png");
        assertThat(stored.<String>path("ref")).isEqualTo("upload:" + stored.path("id"));
    }

    @Test
    void storesAJpegSentAsTheBody() {
        assertStored(upload("image/jpeg", TestImages.jpeg(32, 8)), 32, 8, "image/jpeg");
    }

    @Test
    void storesALosslessWebpSentAsTheBody() {
        assertStored(upload("image/webp", TestImages.webp(40, 16, 0xFF2266AA)), 40, 16, "image/webp");
    }

    @Test
    void storesAnImageSentAsTheFilePartOfAForm() {
        Response stored = given().multiPart("file", "photo.jpg", TestImages.jpeg(16, 24), "image/jpeg").post("/v1/uploads");
        assertStored(stored, 16, 24, "image/jpeg");
    }

    @Test
    void takesTheImageTypeFromItsBytesNotFromTheContentType() {
        assertStored(upload("image/jpeg", TestImages.png(16, 16)), 16, 16, "image/png");
    }

    @Test
    void anImageToImageJobCanNameAnUpload() {
        String id = upload("image/png", TestImages.png(24, 16)).path("id");
        Response job = submit("{\"kind\": \"image-to-image\", \"prompt\": \"from upload\", \"image\": \"upload:" + id + "\"}");
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        assertThat(job.<String>path("input.image")).isEqualTo("upload:" + id);
        assertThat(job.<Integer>path("input.width")).isEqualTo(24);
        assertThat(job.<Integer>path("input.height")).isEqualTo(16);
    }

    @Test
    void anInpaintJobCanNameAnUploadedImageAndMask() {
        String image = upload("image/jpeg", TestImages.jpeg(16, 16)).path("id");
        String mask = upload("image/webp", TestImages.webp(16, 16, 0xFFFFFFFF)).path("id");
        Response job = submit("{\"kind\": \"inpaint\", \"prompt\": \"fill\", \"image\": \"upload:" + image
                + "\", \"mask\": \"upload:" + mask + "\"}");
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        assertThat(job.<String>path("input.mask")).isEqualTo("upload:" + mask);
    }

    @Test
    void anInlineImageIsStagedAsAnUploadOfARandomId() {
        String dataUrl = TestImages.pngDataUrl(16, 8);
        String body = "{\"kind\": \"image-to-image\", \"prompt\": \"inline %s\", \"image\": \"" + dataUrl + "\"}";
        Response job = submit(body.formatted(UUID.randomUUID()));
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        String ref = job.path("input.image");
        assertThat(ref).matches(STAGED_REF);
        assertThat(job.<Integer>path("input.width")).isEqualTo(16);
        assertThat(job.<Integer>path("input.height")).isEqualTo(8);

        // An id derived from the content would tell whoever has the image that it was submitted, and name it.
        assertThat(submit(body.formatted(UUID.randomUUID())).<String>path("input.image")).as("the same image again")
                .matches(STAGED_REF).isNotEqualTo(ref);
        Response byRef = submit("{\"kind\": \"image-to-image\", \"prompt\": \"by ref\", \"image\": \"" + ref + "\"}");
        assertThat(byRef.statusCode()).as("the staged image is a usable upload: %s", byRef.asString()).isEqualTo(202);
    }

    @Test
    void aMultipartJobTakesItsImageFromAFilePart() {
        Response job = given().multiPart("request", "{\"kind\": \"image-to-image\", \"prompt\": \"multipart\", \"strength\": 0.5}")
                .multiPart("image", "in.png", TestImages.png(24, 24), "image/png").post("/v1/jobs");
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        assertThat(job.<String>path("input.image")).matches(STAGED_REF);
        assertThat(job.<Integer>path("input.width")).isEqualTo(24);
        assertThat(job.<Float>path("input.strength")).isEqualTo(0.5f);
    }

    @Test
    void aMultipartInpaintJobTakesImageAndMaskFromFileParts() {
        Response job = given().multiPart("request", "{\"kind\": \"inpaint\", \"prompt\": \"multipart inpaint\"}")
                .multiPart("image", "in.jpg", TestImages.jpeg(16, 16), "image/jpeg")
                .multiPart("mask", "mask.webp", TestImages.webp(16, 16, 0xFFFFFFFF), "image/webp").post("/v1/jobs");
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        assertThat(job.<String>path("input.image")).matches(STAGED_REF);
        assertThat(job.<String>path("input.mask")).matches(STAGED_REF).isNotEqualTo(job.path("input.image"));
    }

    @Test
    void aMultipartRequestPartMayBeAsLongAsAJsonBody() {
        String request = "{\"kind\": \"image-to-image\", \"prompt\": \"" + "p".repeat(2000) + "\", \"negative_prompt\": \""
                + "n".repeat(2000) + "\", \"metadata\": {\"note\": \"" + "m".repeat(4000) + "\"}}";
        Response job = given().multiPart("request", request).multiPart("image", "in.png", TestImages.png(16, 16), "image/png")
                .post("/v1/jobs");
        assertThat(job.statusCode()).as(job.asString()).isEqualTo(202);
        assertThat(job.<String>path("input.prompt")).hasSize(2000);
        assertThat(job.<String>path("metadata.note")).hasSize(4000);
    }

    @Test
    void refusesBytesThatAreNotAnImage() {
        assertRejected(upload("image/png", "definitely not a picture".getBytes(StandardCharsets.US_ASCII)),
                "image_invalid", "");
    }

    @Test
    void refusesATruncatedPng() {
        byte[] png = TestImages.png(16, 16);
        assertRejected(upload("image/png", Arrays.copyOf(png, png.length - 20)), "image_invalid", "");
    }

    @Test
    void refusesAGifEvenWhenItClaimsToBeAPng() {
        byte[] gif = "GIF89a\u0001\u0000\u0001\u0000\u0080\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(upload("image/png", gif), "image_invalid", "");
    }

    @Test
    void refusesACorruptFilePart() {
        Response refused = given().multiPart("file", "x.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}, "image/png")
                .post("/v1/uploads");
        assertRejected(refused, "image_invalid", "file");
    }

    @Test
    void refusesAPngWhoseHeaderClaimsTooManyPixels() {
        assertRejected(upload("image/png", TestImages.pngClaiming(100_000, 100_000)), "image_too_large", "");
    }

    @Test
    void refusesAFileAboveTheUploadByteLimit() {
        byte[] png = TestImages.png(16, 16);
        byte[] padded = Arrays.copyOf(png, 10 * 1024 * 1024 + 1);
        assertRejected(upload("image/png", padded), "image_too_large", "");
    }

    @Test
    void refusesAnUnsupportedContentType() {
        assertProblem(given().contentType("image/gif").body(new byte[] {'G', 'I', 'F'}).post("/v1/uploads"),
                415, "unsupported_media_type");
    }

    @Test
    void aJobNamingAnUploadThatDoesNotExistIsRefusedOnItsImageField() {
        Response refused = submit("{\"kind\": \"image-to-image\", \"prompt\": \"x\", \"image\": \"upload:doesnotexist\"}");
        assertThat(fieldErrors(assertProblem(refused, 400, "image_invalid")))
                .containsExactly(new FieldError("image", "image_invalid"));
    }

    @Test
    void aJobNamingAnUploadIdWithForbiddenCharactersIsRefused() {
        Response refused = submit("{\"kind\": \"image-to-image\", \"prompt\": \"x\", \"image\": \"upload:../jobs/secret\"}");
        assertThat(fieldErrors(assertProblem(refused, 400, "image_invalid")))
                .containsExactly(new FieldError("image", "image_invalid"));
    }

    private static Response upload(String contentType, byte[] bytes) {
        return given().contentType(contentType).body(bytes).post("/v1/uploads");
    }

    private static Response submit(String json) {
        return given().contentType("application/json").body(json.getBytes(StandardCharsets.UTF_8)).post("/v1/jobs");
    }

    private static void assertStored(Response stored, int width, int height, String contentType) {
        assertThat(stored.statusCode()).as(stored.asString()).isEqualTo(201);
        String id = stored.path("id");
        assertThat(id).matches(UPLOAD_ID);
        assertThat(stored.<String>path("ref")).isEqualTo("upload:" + id);
        assertThat(stored.<Integer>path("width")).isEqualTo(width);
        assertThat(stored.<Integer>path("height")).isEqualTo(height);
        assertThat(stored.<String>path("content_type")).isEqualTo(contentType);
        assertThat(stored.<Integer>path("bytes")).isPositive();
    }

    private static void assertRejected(Response refused, String code, String field) {
        assertThat(fieldErrors(assertProblem(refused, 400, code))).containsExactly(new FieldError(field, code));
    }
}
