package dev.easel.common.cache;

import dev.easel.common.job.JobSpec;
import dev.easel.common.job.OutpaintExtents;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of a generation result: a SHA-256 over everything that changes the pixels, so equal keys may
 * share one cached result and different tenants never do.
 */
public record CacheKey(String hex) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    // Bump when the encoding or the set of fields changes, so old entries simply stop matching.
    private static final String ENCODING_VERSION = "easel-cache-key/v2";

    public CacheKey {
        Objects.requireNonNull(hex, "hex");
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a cache key is 64 lower-case hex digits");
        }
    }

    /**
     * The key of a request that pins everything, seed included.
     *
     * @param tenant null until tenants exist
     * @param modelVersion the version of the model that will run it; a new version must not reuse old results
     * @param imageSha256 hex SHA-256 of the input image bytes; required exactly when the spec has an image
     * @param maskSha256 hex SHA-256 of the mask bytes; required exactly when the spec has a mask
     */
    public static CacheKey exact(JobSpec spec, String tenant, String modelVersion, String imageSha256,
                                 String maskSha256) {
        return compute(Scope.EXACT, spec, tenant, modelVersion, imageSha256, maskSha256);
    }

    /**
     * The key shared by requests that differ at most in their seed: equal normalised prompts and parameters.
     * Any-seed reuse looks results up under it.
     */
    public static CacheKey anySeed(JobSpec spec, String tenant, String modelVersion, String imageSha256,
                                   String maskSha256) {
        return compute(Scope.ANY_SEED, spec, tenant, modelVersion, imageSha256, maskSha256);
    }

    /**
     * The key shared by requests that differ at most in their prompt and seed: the scope inside which similar-prompt
     * reuse compares prompt embeddings (same tenant, model version, size, steps, guidance, negative prompt...).
     */
    public static CacheKey similarScope(JobSpec spec, String tenant, String modelVersion, String imageSha256,
                                        String maskSha256) {
        return compute(Scope.SIMILAR, spec, tenant, modelVersion, imageSha256, maskSha256);
    }

    private enum Scope {
        EXACT, ANY_SEED, SIMILAR
    }

    private static CacheKey compute(Scope scope, JobSpec spec, String tenant, String modelVersion,
                                    String imageSha256, String maskSha256) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(modelVersion, "modelVersion");
        String image = contentHash("image", spec.image() != null, imageSha256);
        String mask = contentHash("mask", spec.mask() != null, maskSha256);
        OutpaintExtents outpaint = spec.outpaint();

        var canonical = new Canonical();
        canonical.field(ENCODING_VERSION);
        canonical.field(scope.name());
        canonical.field(tenant);
        canonical.field(spec.model());
        canonical.field(modelVersion);
        canonical.field(spec.kind().wireName());
        canonical.field(scope == Scope.SIMILAR ? null : PromptNormalizer.normalize(spec.prompt()));
        canonical.field(PromptNormalizer.normalize(spec.negativePrompt()));
        canonical.field(spec.width());
        canonical.field(spec.height());
        canonical.field(spec.steps());
        canonical.field(decimal(spec.guidanceScale()));
        canonical.field(spec.scheduler().wireName());
        canonical.field(scope == Scope.EXACT ? spec.seed() : null);
        canonical.field(spec.numImages());
        canonical.field(spec.strength() == null ? null : decimal(spec.strength()));
        canonical.field(spec.inpaintArea() == null ? null : spec.inpaintArea().wireName());
        canonical.field(spec.maskPadding());
        canonical.field(spec.maskBlur());
        canonical.field(outpaint == null ? null : outpaint.left());
        canonical.field(outpaint == null ? null : outpaint.right());
        canonical.field(outpaint == null ? null : outpaint.top());
        canonical.field(outpaint == null ? null : outpaint.bottom());
        canonical.field(image);
        canonical.field(mask);
        return new CacheKey(canonical.sha256());
    }

    private static String contentHash(String what, boolean present, String sha256) {
        if (present != (sha256 != null)) {
            throw new IllegalArgumentException(present
                    ? "the " + what + " hash is required: without it different inputs would share a key"
                    : "a " + what + " hash was given but the spec has no " + what);
        }
        if (sha256 == null) {
            return null;
        }
        String lower = sha256.toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(lower).matches()) {
            throw new IllegalArgumentException("the " + what + " hash must be 64 hex digits");
        }
        return lower;
    }

    // A decimal any implementation can reproduce: 7.0 → "7", 0.75 → "0.75", -0.0 → "0".
    private static String decimal(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * Each field as a big-endian int32 byte length (-1 for null) and its UTF-8 bytes, so no two field sequences
     * share an encoding and null differs from "".
     */
    private static final class Canonical {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        void field(String value) {
            try {
                if (value == null) {
                    out.writeInt(-1);
                } else {
                    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory does not fail", e);
            }
        }

        void field(Number value) {
            field(value == null ? null : value.toString());
        }

        String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime provides SHA-256", e);
            }
        }
    }
}
