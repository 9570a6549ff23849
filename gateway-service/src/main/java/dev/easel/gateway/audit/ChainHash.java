package dev.easel.gateway.audit;

import dev.easel.common.json.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The hash that chains a tenant's calls: SHA-256 over the previous call's hash, a newline, and the call's
 * canonical form, a JSON array of its tenant, sequence number and every field of its entry in a fixed order
 * (null where absent; the time as ISO-8601 to the microsecond). Changing any stored field of a call, or removing
 * or reordering calls, breaks the chain from there on (docs/api.md, "Call log").
 */
public final class ChainHash {

    /** The previous hash of a tenant's first call. */
    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    public static String of(String prevHash, String tenant, long seq, CallEntry c) {
        String canonical = new String(JsonCodec.encode(Arrays.asList(tenant, seq, c.at().toString(), c.keyId(),
                c.principal(), c.role(), c.method(), c.route(), c.jobId() == null ? null : c.jobId().toString(),
                c.status(), c.errorCode(), c.latencyUs(), c.clientAddress(), c.userAgent(), c.requestId(),
                c.traceId())), StandardCharsets.UTF_8);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(prevHash.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) '\n');
            return HexFormat.of().formatHex(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
