package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.gateway.rest.MultipartBody.Part;
import dev.easel.gateway.rest.RawHttp.Answer;
import dev.easel.gateway.rest.RawHttp.Framing;
import dev.easel.gateway.upload.TestImages;
import io.quarkus.test.common.http.TestHTTPResource;
import dev.easel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A multipart form has at most the parts its endpoint reads, each once, through every framing: a job's
 * {@code request}, {@code image} and {@code mask}, an upload's {@code file}. Anything else is refused with 400
 * before the REST layer parses the form and writes its files to disk; thousands of parts once gave a 500.
 */
@QuarkusTest
class MultipartPartsIT {

    private static final String BOUNDARY = "easel-parts-test";
    private static final String FORM = "multipart/form-data; boundary=" + BOUNDARY;

    @TestHTTPResource("/")
    URL base;

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aJobWithEveryPartItMayHaveIsAccepted(Framing framing) throws IOException {
        Answer answer = RawHttp.post(base, "/v1/jobs", FORM, MultipartBody.of(BOUNDARY, inpaint()), framing);

        assertThat(answer.status()).as(answer.text()).isEqualTo(202);
        JsonNode input = JsonCodec.mapper().readTree(answer.body()).path("input");
        assertThat(input.path("image").asText()).startsWith("upload:");
        assertThat(input.path("mask").asText()).startsWith("upload:");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aJobWithOnePartMoreIsRefusedWithoutNamingIt(Framing framing) throws IOException {
        List<Part> parts = new ArrayList<>(inpaint());
        parts.add(Part.file("private-part-name", TestImages.png(8, 8)));

        Answer answer = RawHttp.post(base, "/v1/jobs", FORM, MultipartBody.of(BOUNDARY, parts), framing);

        JsonNode problem = assertRefused(answer, "", "unknown_field");
        assertThat(problem.path("detail").asText()).contains("request, image, mask");
        assertThat(answer.text()).doesNotContain("private-part-name");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void tenThousandPartsAreRefusedWith400(Framing framing) throws IOException {
        List<Part> parts = new ArrayList<>();
        parts.add(Part.field("request", "{\"prompt\": \"many parts\"}"));
        for (int i = 0; i < 10_000; i++) {
            parts.add(Part.field("p" + i, "x"));
        }

        assertRefused(RawHttp.post(base, "/v1/jobs", FORM, MultipartBody.of(BOUNDARY, parts), framing), "", "unknown_field");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aPartGivenTwiceIsRefused(Framing framing) throws IOException {
        List<Part> parts = List.of(Part.field("request", "{\"kind\": \"image-to-image\", \"prompt\": \"twice\"}"),
                Part.file("image", TestImages.png(8, 8)), Part.file("image", TestImages.png(16, 16)));

        assertRefused(RawHttp.post(base, "/v1/jobs", FORM, MultipartBody.of(BOUNDARY, parts), framing),
                "image", "unsupported_value");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void anUploadFormTakesItsFilePartOnly(Framing framing) throws IOException {
        byte[] image = TestImages.png(8, 8);
        Answer one = RawHttp.post(base, "/v1/uploads", FORM, MultipartBody.of(BOUNDARY, List.of(Part.file("file", image))), framing);
        assertThat(one.status()).as(one.text()).isEqualTo(201);

        Answer two = RawHttp.post(base, "/v1/uploads", FORM,
                MultipartBody.of(BOUNDARY, List.of(Part.file("file", image), Part.file("thumbnail", image))), framing);
        assertRefused(two, "", "unknown_field");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aFormWithoutABoundaryIsRefusedNamingTheContentType(Framing framing) throws IOException {
        byte[] body = MultipartBody.of(BOUNDARY, List.of(Part.field("request", "{\"prompt\": \"no boundary\"}")));

        assertRefused(RawHttp.post(base, "/v1/jobs", "multipart/form-data", body, framing), "Content-Type", "invalid_type");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aBodyThatIsNotDelimitedIntoPartsIsRefused(Framing framing) throws IOException {
        byte[] body = "prompt=a+url-encoded+form".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertRefused(RawHttp.post(base, "/v1/jobs", FORM, body, framing), "", "invalid_type");
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aPathWithPercentEncodedLettersIsCheckedLikeThePathItNames(Framing framing) throws IOException {
        byte[] image = TestImages.png(8, 8);
        byte[] form = MultipartBody.of(BOUNDARY, List.of(Part.file("file", image), Part.file("thumbnail", image)));

        assertRefused(RawHttp.post(base, "/v1/%75ploads", FORM, form, framing), "", "unknown_field");
    }

    @Test
    void aClientAskingForHttp2IsAnsweredOverHttp11AndItsFormChecked() throws Exception {
        byte[] form = MultipartBody.of(BOUNDARY, List.of(Part.field("request", "{\"prompt\": \"h2\"}"), Part.field("extra", "x")));
        HttpResponse<byte[]> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build().send(
                HttpRequest.newBuilder(URI.create(base + "v1/jobs")).header("Content-Type", FORM)
                        .header("Authorization", TestKeys.operatorBearer())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(form)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("unknown_field");
    }

    private static List<Part> inpaint() {
        return List.of(Part.field("request", "{\"kind\": \"inpaint\", \"prompt\": \"every part " + UUID.randomUUID() + "\"}"),
                Part.file("image", TestImages.png(64, 64)), Part.file("mask", TestImages.png(64, 64)));
    }

    private static JsonNode assertRefused(Answer answer, String field, String violation) throws IOException {
        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.headers().get("content-type")).startsWith(Problems.MEDIA_TYPE);
        JsonNode problem = JsonCodec.mapper().readTree(answer.body());
        assertThat(problem.path("code").asText()).isEqualTo("invalid_request");
        assertThat(problem.path("errors").get(0).path("field").asText()).as(answer.text()).isEqualTo(field);
        assertThat(problem.path("errors").get(0).path("code").asText()).as(answer.text()).isEqualTo(violation);
        return problem;
    }
}
