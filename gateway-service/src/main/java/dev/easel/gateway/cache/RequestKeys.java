package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.validation.ValidatedRequest;

/**
 * The cache keys of one request: {@code exact} (everything, seed included), {@code anySeed} (all but the seed) and
 * {@code similarScope} (all but the prompt and the seed: where similar prompts are compared).
 */
public record RequestKeys(CacheKey exact, CacheKey anySeed, CacheKey similarScope) {

    public static RequestKeys of(ValidatedRequest request, String tenant) {
        var spec = request.spec();
        String version = request.modelVersion();
        String image = request.imageSha256();
        String mask = request.maskSha256();
        return new RequestKeys(CacheKey.exact(spec, tenant, version, image, mask),
                CacheKey.anySeed(spec, tenant, version, image, mask), CacheKey.similarScope(spec, tenant, version, image, mask));
    }
}
