package dev.easel.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The form of a whole API key (docs/api.md, "Authentication and permissions"), and the shell one-liners the compose
 * file and the guide give for generating a bootstrap key, run as a reader would run them.
 */
final class ApiKeyFormat {

    /** {@code easel_sk_}, a 16-character key id, {@code _}, 32 random bytes as 43 characters of base64url. */
    static final Pattern KEY = Pattern.compile("easel_sk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}");

    private ApiKeyFormat() {
    }

    /** Runs {@code assignment} (such as {@code export EASEL_AUTH_BOOTSTRAP_KEY=$(...)}) in bash; the value it assigns. */
    static String generate(String assignment, String variable) {
        try {
            Process bash = new ProcessBuilder("bash", "-ec", assignment + "\nprintf '%s' \"$" + variable + "\"").start();
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(bash.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!bash.waitFor(30, TimeUnit.SECONDS) || bash.exitValue() != 0) {
                throw new AssertionError("bash failed on " + assignment + ": " + err);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
