package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.gateway.rest.MultipartBody.Part;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartPartsTest {

    private static final List<String> JOB = List.of("request", "image", "mask");
    private static final String TYPE = "multipart/form-data; boundary=b0";

    @Test
    void acceptsTheFormsPartsInAnyOrderWithPreambleAndEpilogue() {
        String body = "a preamble\r\n--b0\r\nContent-Disposition: form-data; name=\"image\"; filename=\"i.png\"\r\n"
                + "Content-Type: image/png\r\n\r\nPNG\r\n--b0\r\ncontent-disposition: FORM-DATA; NAME=request\r\n\r\n{}\r\n"
                + "--b0--\r\nan epilogue";
        assertThatCode(() -> check(body, TYPE, JOB)).doesNotThrowAnyException();
    }

    @Test
    void readsAQuotedBoundaryAndAFileNameBeforeTheName() {
        String body = "--a b\r\nContent-Disposition: form-data; filename=\"name=x\"; name=\"mask\"\r\n\r\n\r\n"
                + "--a b\r\nContent-Disposition: form-data; name=request\r\n\r\n{}\r\n--a b--\r\n";
        assertThatCode(() -> check(body, "multipart/form-data; boundary=\"a b\"", JOB)).doesNotThrowAnyException();
    }

    @Test
    void aContentThatHoldsTheBoundaryWithoutALineEndIsContent() {
        String body = "--b0\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\nx--b0 y\r\n--b0--\r\n";
        assertThatCode(() -> check(body, TYPE, JOB)).doesNotThrowAnyException();
    }

    @Test
    void refusesAPartTheFormDoesNotName() {
        assertThatThrownBy(() -> check(form(Part.field("request", "{}"), Part.field("extra", "x")), TYPE, JOB))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errors().getFirst().code()).isEqualTo("unknown_field");
                    assertThat(e.getMessage()).doesNotContain("extra");
                });
    }

    @Test
    void refusesAPartWithoutANameOrWithoutHeaders() {
        String unnamed = "--b0\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b0--\r\n";
        String bare = "--b0\r\n\r\nx\r\n--b0--\r\n";
        String attachment = "--b0\r\nContent-Disposition: attachment; name=\"image\"\r\n\r\nx\r\n--b0--\r\n";
        for (String body : List.of(unnamed, bare, attachment)) {
            assertThatThrownBy(() -> check(body, TYPE, JOB)).as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors().getFirst().code()).isEqualTo("unknown_field"));
        }
    }

    @Test
    void refusesAFormWithoutItsFirstPart() {
        for (String body : List.of("--b0--\r\n", form(Part.field("image", "x")))) {
            assertThatThrownBy(() -> check(body, TYPE, JOB)).as(body).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.errors().getFirst().field()).isEqualTo("request");
                assertThat(e.errors().getFirst().code()).isEqualTo("required");
            });
        }
    }

    @Test
    void refusesANameGivenTwice() {
        assertThatThrownBy(() -> check(form(Part.field("request", "{}"), Part.field("request", "{}")), TYPE, JOB))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors().getFirst().field()).isEqualTo("request"));
    }

    @Test
    void aFormHasAtMostAsManyPartsAsNames() {
        List<Part> parts = new ArrayList<>(List.of(Part.field("request", "{}"), Part.field("image", "x"), Part.field("mask", "x")));
        assertThatCode(() -> check(form(parts.toArray(Part[]::new)), TYPE, JOB)).doesNotThrowAnyException();
        parts.add(Part.field("mask", "x"));
        assertThatThrownBy(() -> check(form(parts.toArray(Part[]::new)), TYPE, JOB)).isInstanceOf(ApiException.class);
    }

    @Test
    void refusesAMissingOrOverlongBoundary() {
        String body = form(Part.field("request", "{}"));
        for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=" + "x".repeat(71))) {
            assertThatThrownBy(() -> check(body, type, JOB)).as(type)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors().getFirst().field()).isEqualTo("Content-Type"));
        }
    }

    @Test
    void refusesBodiesThatAreNotDelimitedIntoParts() {
        String headersTooLong = "--b0\r\nContent-Disposition: form-data; name=\"request\"\r\nX-Pad: "
                + "p".repeat(MultipartParts.MAX_HEADER_BYTES) + "\r\n\r\n{}\r\n--b0--\r\n";
        List<String> bodies = List.of("", "prompt=url-encoded", "--b0\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n{}",
                "--b0\nContent-Disposition: form-data; name=\"request\"\n\n{}\n--b0--\n", "--b0 junk\r\n\r\n", headersTooLong);
        for (String body : bodies) {
            assertThatThrownBy(() -> check(body, TYPE, JOB)).as(body.length() > 80 ? body.substring(0, 80) : body)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors().getFirst().code()).isEqualTo("invalid_type"));
        }
    }

    @Test
    void headersJustWithinTheBoundAreRead() {
        String prefix = "Content-Disposition: form-data; name=\"request\"\r\nX-Pad: ";
        String headers = prefix + "p".repeat(MultipartParts.MAX_HEADER_BYTES - prefix.length());
        assertThat(headers).hasSize(MultipartParts.MAX_HEADER_BYTES);
        assertThatCode(() -> check("--b0\r\n" + headers + "\r\n\r\n{}\r\n--b0--\r\n", TYPE, JOB)).doesNotThrowAnyException();
    }

    private static String form(Part... parts) {
        return new String(MultipartBody.of("b0", List.of(parts)), StandardCharsets.UTF_8);
    }

    private static void check(String body, String contentType, List<String> names) {
        MultipartParts.check(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), contentType, names);
    }
}
