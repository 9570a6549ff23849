package dev.easel.common.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.easel.common.job.ImageRef;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageHeadersTest {

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of("PNG from ImageIO", TestImages.png(96, 40), ImageHeaders.PNG, 96, 40),
                Arguments.of("JPEG from ImageIO", TestImages.jpeg(33, 71), ImageHeaders.JPEG, 33, 71),
                Arguments.of("lossy WebP", TestImages.webpLossy(120, 64), ImageHeaders.WEBP, 120, 64),
                Arguments.of("lossless WebP", TestImages.webpLossless(16383, 2), ImageHeaders.WEBP, 16383, 2),
                Arguments.of("extended WebP", TestImages.webpExtended(5000, 300), ImageHeaders.WEBP, 5000, 300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void anImagesLengthIsAllItsBytesAndTrailingBytesAreNotPartOfIt(String name, byte[] bytes, String mediaType, int width,
                                                                   int height) {
        assertThat(ImageHeaders.imageLength(bytes)).isEqualTo(bytes.length);
        for (String trailer : new String[] {"PK\u0003\u0004 an appended archive", "<script>alert(1)</script>", "\u00ff\u00d9"}) {
            byte[] appended = concat(bytes, trailer.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThat(ImageHeaders.imageLength(appended)).as(trailer).isEqualTo(bytes.length);
        }
    }

    @Test
    void aJpegsLengthEndsAfterItsScanNotAtAnEmbeddedThumbnailsEnd() {
        byte[] jpeg = TestImages.jpeg(33, 71);
        byte[] thumbnail = TestImages.jpeg(8, 8);
        byte[] app1 = new byte[4 + thumbnail.length];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) ((thumbnail.length + 2) >> 8);
        app1[3] = (byte) (thumbnail.length + 2);
        System.arraycopy(thumbnail, 0, app1, 4, thumbnail.length);
        byte[] withThumbnail = concat(concat(Arrays.copyOf(jpeg, 2), app1), Arrays.copyOfRange(jpeg, 2, jpeg.length));

        assertThat(ImageHeaders.imageLength(concat(withThumbnail, new byte[] {1, 2, 3}))).isEqualTo(withThumbnail.length);
    }

    @Test
    void bytesThatAreNoImageOrEndEarlyAreKeptWhole() {
        byte[] png = TestImages.png(8, 8);
        byte[] cut = Arrays.copyOf(png, png.length - 20);
        assertThat(ImageHeaders.imageLength(cut)).isEqualTo(cut.length);
        assertThat(ImageHeaders.imageLength(new byte[] {1, 2, 3})).isEqualTo(3);
        byte[] jpeg = TestImages.jpeg(8, 8);
        byte[] noEnd = Arrays.copyOf(jpeg, jpeg.length - 2);
        assertThat(ImageHeaders.imageLength(noEnd)).isEqualTo(noEnd.length);
    }

    @Test
    void aWebpWhoseRiffSizeDoesNotCoverItsFirstChunkIsKeptWhole() {
        byte[] webp = TestImages.webpLossy(120, 64);
        byte[] understated = Arrays.copyOf(webp, webp.length + 8);
        understated[4] = 12; // RIFF size 12: "WEBP" and a chunk header, not the chunk's data
        understated[5] = 0;
        understated[6] = 0;
        understated[7] = 0;
        assertThat(ImageHeaders.imageLength(understated)).isEqualTo(understated.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void readsFormatAndSizeFromTheHeader(String name, byte[] bytes, String mediaType, int width, int height) {
        assertThat(ImageHeaders.read(bytes)).isEqualTo(new ImageHeaders.Header(mediaType, width, height));
    }

    static Stream<Arguments> brokenImages() {
        byte[] png = TestImages.png(32, 32);
        byte[] jpeg = TestImages.jpeg(32, 32);
        byte[] corruptIhdr = png.clone();
        corruptIhdr[18] ^= 0x01; // a bit of the width, so the IHDR checksum no longer matches
        byte[] webp = TestImages.webpLossy(64, 64);
        byte[] badStartCode = webp.clone();
        badStartCode[23] = 0;
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("text", "hello, world".getBytes()),
                Arguments.of("PNG signature only", Arrays.copyOf(png, 8)),
                Arguments.of("PNG cut inside IHDR", Arrays.copyOf(png, 20)),
                Arguments.of("PNG cut before IEND", Arrays.copyOf(png, png.length - 6)),
                Arguments.of("PNG with corrupt IHDR", corruptIhdr),
                Arguments.of("PNG claiming width 0", TestImages.pngHeaderOnly(0, 10)),
                Arguments.of("JPEG start marker only", Arrays.copyOf(jpeg, 3)),
                Arguments.of("JPEG cut in its first segment", Arrays.copyOf(jpeg, 10)),
                Arguments.of("WebP cut short", Arrays.copyOf(webp, webp.length - 4)),
                Arguments.of("WebP without VP8 start code", badStartCode),
                Arguments.of("GIF", "GIF89a\u0001\u0000\u0001\u0000".getBytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenImages")
    void rejectsBrokenOrTruncatedImagesAsInvalid(String name, byte[] bytes) {
        assertThatThrownBy(() -> ImageHeaders.read(bytes))
                .isInstanceOfSatisfying(ImageRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(Violation.IMAGE_INVALID));
    }

    @Test
    void refusesADecompressionBombFromItsHeaderAlone() {
        byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);

        assertThatThrownBy(() -> new DataUrlImageInspector().inspect(new ImageRef.DataUrl("image/png", bomb)))
                .isInstanceOfSatisfying(ImageRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(Violation.IMAGE_TOO_LARGE));
    }

    @Test
    void refusesImagesOverTheByteLimit() {
        var inspector = new DataUrlImageInspector(100, DataUrlImageInspector.DEFAULT_MAX_PIXELS);
        assertThatThrownBy(() -> inspector.inspectBytes(TestImages.png(64, 64)))
                .isInstanceOfSatisfying(ImageRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(Violation.IMAGE_TOO_LARGE));
    }

    @Test
    void inspectsADataUrlAndHashesItsBytes() {
        var ref = (ImageRef.DataUrl) ImageRef.parse(TestImages.pngDataUrl(64, 48));

        ImageInfo info = new DataUrlImageInspector().inspect(ref);

        assertThat(info).isEqualTo(new ImageInfo(64, 48, ImageHeaders.PNG, ref.sha256()));
    }

    @Test
    void sniffsTheRealFormatWhateverTheDataUrlDeclares() {
        var ref = new ImageRef.DataUrl("image/png", TestImages.jpeg(16, 16));
        assertThat(new DataUrlImageInspector().inspect(ref).mediaType()).isEqualTo(ImageHeaders.JPEG);
    }

    @Test
    void cannotResolveUploads() {
        assertThatThrownBy(() -> new DataUrlImageInspector().inspect(new ImageRef.Upload("abc")))
                .isInstanceOfSatisfying(ImageRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(Violation.IMAGE_INVALID));
    }
}
