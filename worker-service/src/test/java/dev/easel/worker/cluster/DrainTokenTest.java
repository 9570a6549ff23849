package dev.easel.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainTokenTest {

    @TempDir
    Path dir;

    @Test
    void writesARandomTokenOnlyItsUserCanReadAndAdmitsItAsABearerOnly() throws Exception {
        Path file = dir.resolve("run/drain.token");
        DrainToken token = new DrainToken(file);
        String written = Files.readString(file, StandardCharsets.US_ASCII);

        assertThat(written).hasSize(43);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(token.admits("Bearer " + written)).isTrue();
        assertThat(token.admits("bearer " + written)).isTrue();
        assertThat(token.admits(written)).isFalse();
        assertThat(token.admits("Bearer " + written.substring(1))).isFalse();
        assertThat(token.admits(null)).isFalse();
        assertThat(token.admits("Bearer ")).isFalse();
    }

    @Test
    void everyStartMakesANewTokenInPlaceOfTheLast() throws Exception {
        Path file = dir.resolve("drain.token");
        DrainToken first = new DrainToken(file);
        String old = Files.readString(file);
        DrainToken second = new DrainToken(file);

        assertThat(Files.readString(file)).isNotEqualTo(old);
        assertThat(second.admits("Bearer " + old)).isFalse();
        second.delete(null);
        assertThat(file).doesNotExist();
    }
}
