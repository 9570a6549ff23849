package dev.easel.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hashes key secrets with HMAC-SHA256 under the server's pepper, a secret kept outside the database
 * ({@code easel.auth.pepper}): a copy of the {@code api_keys} table alone does not let anyone test guesses. The key
 * id is hashed with the secret, so a hash cannot be moved to another key's row. A secret has 256 random bits:
 * no slow hash is needed against guessing, and a fast one keeps authentication off the submit path's costs.
 */
public final class KeyHasher {

    private static final String ALGORITHM = "HmacSHA256";
    /** The shortest pepper accepted: 32 bytes. */
    public static final int MIN_PEPPER_BYTES = 32;

    private final SecretKeySpec pepper;

    public KeyHasher(String pepper) {
        byte[] bytes = pepper.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_PEPPER_BYTES) {
            throw new IllegalArgumentException("easel.auth.pepper must be at least " + MIN_PEPPER_BYTES
                    + " bytes, e.g. the output of `openssl rand -base64 48`");
        }
        this.pepper = new SecretKeySpec(bytes, ALGORITHM);
    }

    public byte[] hash(ApiKeyToken token) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(pepper);
            mac.update(token.id().getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '_');
            return mac.doFinal(token.secret().getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    /** Whether the token's secret is the one {@code storedHash} was made from, in time independent of where they differ. */
    public boolean matches(ApiKeyToken token, byte[] storedHash) {
        return MessageDigest.isEqual(hash(token), storedHash);
    }
}
