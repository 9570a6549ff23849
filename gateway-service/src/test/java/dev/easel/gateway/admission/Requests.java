package dev.easel.gateway.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.model.StaticModelCatalog;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.common.validation.ValidatedRequest;
import dev.easel.gateway.cache.CachePolicy;
import dev.easel.gateway.cache.RequestKeys;
import dev.easel.testsupport.TestKeys;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;

/** Submissions for unit tests, validated against a catalog of the bundled model's limits. */
final class Requests {

    static final StaticModelCatalog CATALOG = StaticModelCatalog.of(new ModelLimits("tiny-shapes", "1.2.0", 64, 64,
            256, 256, 8, 20, 5.0, Scheduler.EULER, EnumSet.of(Scheduler.EULER), EnumSet.allOf(JobKind.class)));

    private Requests() {
    }

    static JsonNode json(String text) {
        try {
            return JsonCodec.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The submission of this text-only request, with the cache on or off. */
    static Submission submission(String body, boolean cacheOn, String idempotencyKey, String traceParent) {
        return submission(body, cacheOn, idempotencyKey, traceParent, null);
    }

    static Submission submission(String body, boolean cacheOn, String idempotencyKey, String traceParent,
                                 String cacheControl) {
        ValidatedRequest request = JobRequestValidator.validateRequest(json(body), CATALOG, ref -> {
            throw new IllegalStateException("no images in these tests");
        }, () -> 42L);
        CachePolicy policy = CachePolicy.of(cacheOn, request.spec().cache(), request.seedPinned(), cacheControl);
        RequestKeys keys = cacheOn ? RequestKeys.of(request, TestKeys.OPERATOR_TENANT) : null;
        String hash = idempotencyKey == null ? null : IdempotencyKeys.hash(json(body));
        return new Submission(TestKeys.OPERATOR_TENANT, "test", request.spec(), keys, policy, idempotencyKey, hash,
                Context.root(), traceParent, null);
    }
}
