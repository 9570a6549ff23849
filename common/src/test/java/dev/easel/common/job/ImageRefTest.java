package dev.easel.common.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {

    @Test
    void parsesABase64DataUrl() {
        ImageRef ref = ImageRef.parse("data:image/PNG;base64,AQID");

        assertThat(ref).isEqualTo(new ImageRef.DataUrl("image/png", new byte[] {1, 2, 3}));
        assertThat(ref.wire()).isEqualTo("data:image/png;base64,AQID");
    }

    @Test
    void toleratesLineBreaksParametersAndMissingPadding() {
        assertThat(ImageRef.parse("data:image/jpeg;name=a.jpg;base64,AQ\r\nID")).isEqualTo(ImageRef.parse("data:image/jpeg;base64,AQID"));
        assertThat(ImageRef.parse("data:image/png;base64,AQI")).isEqualTo(new ImageRef.DataUrl("image/png", new byte[] {1, 2}));
    }

    @Test
    void parsesAnUploadId() {
        assertThat(ImageRef.parse("upload:abc_DEF-123")).isEqualTo(new ImageRef.Upload("abc_DEF-123"));
        assertThat(new ImageRef.Upload("abc").wire()).isEqualTo("upload:abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "https://example.com/a.png", "upload:", "upload:a/b", "upload:..", "upload:has space",
            "data:image/png,AQID", "data:image/png;base64", "data:;base64,AQID", "data:text/plain;base64,AQID",
            "data:image/png;base64,", "data:image/png;base64,@@@@"})
    void rejectsAnythingElse(String wire) {
        assertThatThrownBy(() -> ImageRef.parse(wire)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void rejectsUploadIdsLongerThan64Characters() {
        assertThat(new ImageRef.Upload("a".repeat(64)).id()).hasSize(64);
        assertThatThrownBy(() -> new ImageRef.Upload("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashesDataUrlContent() {
        var ref = new ImageRef.DataUrl("image/png", "abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(ref.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void isImmutableAndComparedByContent() {
        byte[] bytes = {1, 2, 3};
        var ref = new ImageRef.DataUrl("image/png", bytes);
        bytes[0] = 9;
        ref.bytes()[1] = 9;

        assertThat(ref).isEqualTo(new ImageRef.DataUrl("image/png", new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new ImageRef.DataUrl("image/png", new byte[] {1, 2, 3}));
        assertThat(ref.toString()).isEqualTo("DataUrl[image/png, 3 bytes]");
    }

    @Test
    void travelsAsItsWireString() {
        ImageRef ref = new ImageRef.Upload("u1");
        byte[] json = JsonCodec.encode(ref);

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("\"upload:u1\"");
        assertThat(JsonCodec.decode(json, ImageRef.class)).isEqualTo(ref);
        assertThat(JsonCodec.decode("\"data:image/png;base64,AQID\"".getBytes(), ImageRef.class))
                .isEqualTo(new ImageRef.DataUrl("image/png", new byte[] {1, 2, 3}));
    }
}
