package dev.easel.gateway.identity;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API key as a client holds it: {@code easel_sk_<id>_<secret>}. The prefix lets secret scanners find leaked
 * keys; the id (16 characters of a-z0-9, 80 random bits) is the public part a key is looked up and logged by; the
 * secret is 32 random bytes in unpadded base64url (43 characters), shown once when the key is created and stored
 * only as a hash ({@link KeyHasher}).
 */
public record ApiKeyToken(String id, String secret) {

    public static final String PREFIX = "easel_sk_";
    private static final int ID_LENGTH = 16;
    private static final int SECRET_BYTES = 32;
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern FORMAT = Pattern.compile("easel_sk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})");
    private static final Pattern ID = Pattern.compile("[a-z0-9]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key with a random id and secret. */
    public static ApiKeyToken mint() {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new ApiKeyToken(id.toString(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** The key in {@code value}, if it has the shape of one (whether it exists is the directory's question). */
    public static Optional<ApiKeyToken> parse(String value) {
        if (value == null || value.length() != PREFIX.length() + ID_LENGTH + 1 + 43) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(value);
        return m.matches() ? Optional.of(new ApiKeyToken(m.group(1), m.group(2))) : Optional.empty();
    }

    /** Whether {@code id} has the shape of a key id. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The whole key, as the client sends it. */
    public String value() {
        return PREFIX + id + "_" + secret;
    }

    /** Never the secret: a key that reaches a log by accident shows only its id. */
    @Override
    public String toString() {
        return PREFIX + id + "_…";
    }
}
