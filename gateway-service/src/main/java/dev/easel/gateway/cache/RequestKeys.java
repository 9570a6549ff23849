package dev.easel.gateway.cache;

import dev.easel.common.cache.CacheKey;
import dev.easel.common.validation.ValidatedRequest;

/**
 * The three cache keys of one request: {@code exact} (everything, seed included), {@code anySeed} (all but the
 * seed) and {@code scope} (all but the seed and the prompt; where similar prompts may stand in for each other).
 */
public record RequestKeys(CacheKey exact, CacheKey anySeed, CacheKey scope) {

    public static RequestKeys of(ValidatedRequest request, String tenant) {
        var spec = request.spec();
        String version = request.modelVersion();
        String image = request.imageSha256();
        String mask = request.maskSha256();
        return new RequestKeys(CacheKey.exact(spec, tenant, version, image, mask),
                CacheKey.anySeed(spec, tenant, version, image, mask),
                CacheKey.similarityScope(spec, tenant, version, image, mask));
    }
}
