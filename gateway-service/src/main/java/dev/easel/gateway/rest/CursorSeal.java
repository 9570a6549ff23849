package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import dev.easel.gateway.identity.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals list cursors. A cursor is the position where the next page starts and a MAC over that position and the
 * listing it was issued for (the tenant and the filters): a client cannot forge a position (a time or sequence the
 * gateway never issued used to reach the database and fail there with a 500), nor carry a cursor to another
 * tenant's list or another filter. One that does not verify answers 400.
 *
 * <p>The key derives from the pepper ({@code easel.auth.pepper}), so every replica opens every replica's cursors.
 * A gateway without a pepper (authentication off, for development only) makes a key of its own at start.
 */
@ApplicationScoped
public class CursorSeal {

    private static final String ALGORITHM = "HmacSHA256";
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    @Inject
    CursorSeal(AuthConfig auth) {
        this(auth.pepper().map(pepper -> derive(pepper.getBytes(StandardCharsets.UTF_8))).orElseGet(CursorSeal::random));
    }

    CursorSeal(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The cursor for {@code position} in {@code listing} (a text naming the list, its tenant and its filters). */
    public String seal(String position, String listing) {
        byte[] plain = position.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(plain) + "." + ENCODER.encodeToString(mac(plain, listing));
    }

    /**
     * The position a cursor of {@code listing} holds.
     *
     * @throws ApiException 400 {@code invalid_request} (field {@code cursor}) for anything this gateway did not
     *                      issue for this listing
     */
    public String open(String cursor, String listing) {
        int dot = cursor.indexOf('.');
        if (dot > 0) {
            try {
                byte[] plain = Base64.getUrlDecoder().decode(cursor.substring(0, dot));
                byte[] mac = Base64.getUrlDecoder().decode(cursor.substring(dot + 1));
                if (MessageDigest.isEqual(mac, mac(plain, listing))) {
                    return new String(plain, StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                // not base64: answered below
            }
        }
        throw ApiException.invalid("cursor", Violation.INVALID_TYPE,
                "is not a cursor this API returned for this list and these filters");
    }

    private byte[] mac(byte[] position, String listing) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(listing.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Arrays.copyOf(mac.doFinal(position), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }

    private static byte[] derive(byte[] pepper) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(pepper, ALGORITHM));
            return mac.doFinal("easel list cursors".getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }

    private static byte[] random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
