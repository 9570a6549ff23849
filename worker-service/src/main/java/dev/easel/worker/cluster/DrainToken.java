package dev.easel.worker.cluster;

import dev.easel.worker.WorkerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The credential {@code POST /drain} requires: 32 random bytes made at start-up, written to
 * {@code easel.worker.drain-token-file} with permissions for the worker's own user only (a preStop hook in the
 * container reads it; a client on the network cannot), deleted at shutdown.
 */
@Startup
@ApplicationScoped
public class DrainToken {

    private final Path file;
    private final byte[] token;

    @Inject
    DrainToken(WorkerConfig config) {
        this(config.drainTokenFile());
    }

    DrainToken(Path file) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.file = file;
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
        write();
    }

    /**
     * Writes the token to a new file readable by this user only, then renames it over the old one: the file never
     * holds part of a token or wider permissions. Fails (and the worker does not start) rather than write it where
     * those permissions cannot be set, or over a file another user owns.
     */
    private void write() {
        Path dir = file.toAbsolutePath().getParent();
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            throw new IllegalStateException("cannot write the drain token to " + file
                    + ": the file system cannot restrict it to the worker's user");
        }
        try {
            Files.createDirectories(dir);
            Path written = Files.createTempFile(dir, ".drain-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(written, token);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the drain token to " + file, e);
        }
    }

    /** Whether {@code authorization} (an {@code Authorization} header, or null) carries this token as a bearer. */
    boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(presented, token);
    }

    Path file() {
        return file;
    }

    void delete(@Observes ShutdownEvent event) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The next start writes a new one over it.
        }
    }
}
