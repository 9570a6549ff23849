package dev.easel.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChainHashTest {

    private static final CallEntry CALL = new CallEntry(Instant.parse("2026-12-08T09:14:03.518204Z"), "acme",
            "k3v9q2m7x1p8r4t6", "k3v9q2m7x1p8r4t6", "member", "POST", "/v1/jobs",
            UUID.fromString("0193a1f2-7c4e-7b1a-9d2e-5f6a7b8c9d0e"), 202, null, 2140, "10.0.3.17", "cli/1.0",
            "req-1", null);

    @Test
    void isSha256OfThePreviousHashANewlineAndTheCanonicalArray() throws Exception {
        String canonical = "[\"acme\",7,\"2026-12-08T09:14:03.518204Z\",\"k3v9q2m7x1p8r4t6\",\"k3v9q2m7x1p8r4t6\","
                + "\"member\",\"POST\",\"/v1/jobs\",\"0193a1f2-7c4e-7b1a-9d2e-5f6a7b8c9d0e\",202,null,2140,"
                + "\"10.0.3.17\",\"cli/1.0\",\"req-1\",null]";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest((ChainHash.GENESIS + "\n" + canonical).getBytes(StandardCharsets.UTF_8)));
        assertThat(ChainHash.of(ChainHash.GENESIS, "acme", 7, CALL)).isEqualTo(expected).hasSize(64);
    }

    @Test
    void everyFieldThePositionAndThePredecessorChangeIt() {
        String hash = ChainHash.of(ChainHash.GENESIS, "acme", 7, CALL);
        assertThat(ChainHash.of("1".repeat(64), "acme", 7, CALL)).isNotEqualTo(hash);
        assertThat(ChainHash.of(ChainHash.GENESIS, "acme", 8, CALL)).isNotEqualTo(hash);
        assertThat(ChainHash.of(ChainHash.GENESIS, "other", 7, CALL)).isNotEqualTo(hash);
        CallEntry[] changed = {
            new CallEntry(CALL.at().plusNanos(1000), "acme", CALL.keyId(), CALL.principal(), "member", "POST", "/v1/jobs",
                    CALL.jobId(), 202, null, 2140, "10.0.3.17", "cli/1.0", "req-1", null),
            new CallEntry(CALL.at(), "acme", CALL.keyId(), CALL.principal(), "member", "POST", "/v1/jobs",
                    CALL.jobId(), 200, null, 2140, "10.0.3.17", "cli/1.0", "req-1", null),
            new CallEntry(CALL.at(), "acme", CALL.keyId(), CALL.principal(), "member", "POST", "/v1/jobs",
                    CALL.jobId(), 202, "", 2140, "10.0.3.17", "cli/1.0", "req-1", null),
            new CallEntry(CALL.at(), "acme", null, CALL.principal(), "member", "POST", "/v1/jobs",
                    CALL.jobId(), 202, null, 2140, "10.0.3.17", "cli/1.0", "req-1", null),
            new CallEntry(CALL.at(), "acme", CALL.keyId(), CALL.principal(), "member", "POST", "/v1/jobs",
                    CALL.jobId(), 202, null, 2140, "10.0.3.18", "cli/1.0", "req-1", null),
            new CallEntry(CALL.at(), "acme", CALL.keyId(), CALL.principal(), "member", "POST", "/v1/jobs",
                    CALL.jobId(), 202, null, 2140, "10.0.3.17", "cli/1.0", "req-1", "0af7651916cd43dd8448eb211c80319c"),
        };
        for (CallEntry call : changed) {
            assertThat(ChainHash.of(ChainHash.GENESIS, "acme", 7, call)).as(call.toString()).isNotEqualTo(hash);
        }
    }
}
