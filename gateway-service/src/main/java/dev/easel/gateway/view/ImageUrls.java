package dev.easel.gateway.view;

import dev.easel.platform.storage.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Client-facing URLs of stored objects: CDN base + key when one is configured, else presigned GETs.
 *
 * <p>Presigning is the costliest part of answering with a finished job (about a fifth of the gateway's CPU for a
 * cache hit, two URLs per image), and the same objects are asked for again and again (hot cached results, polling
 * clients), so a presigned URL is handed out again until half its lifetime has passed: every URL a client gets is
 * valid for at least half of {@code presign-ttl}. The memo holds at most {@value #MAX_ENTRIES} URLs.
 */
@ApplicationScoped
public class ImageUrls {

    static final int MAX_ENTRIES = 20_000;

    private final StorageConfig config;
    private final S3Presigner presigner;
    private final Clock clock;
    private final Map<String, Signed> signed = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Signed> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    @Inject
    ImageUrls(StorageConfig config, S3Presigner presigner) {
        this(config, presigner, Clock.systemUTC());
    }

    ImageUrls(StorageConfig config, S3Presigner presigner, Clock clock) {
        this.config = config;
        this.presigner = presigner;
        this.clock = clock;
    }

    private record Signed(String url, Instant reusableUntil) {
    }

    public String of(String key) {
        if (key == null) {
            return null;
        }
        if (config.publicBaseUrl().isPresent()) {
            String base = config.publicBaseUrl().get();
            return base.endsWith("/") ? base + key : base + "/" + key;
        }
        Instant now = clock.instant();
        synchronized (signed) {
            Signed memo = signed.get(key);
            if (memo != null && now.isBefore(memo.reusableUntil())) {
                return memo.url();
            }
        }
        Duration ttl = config.presignTtl();
        String url = presigner.presignGetObject(p -> p.signatureDuration(ttl)
                        .getObjectRequest(g -> g.bucket(config.bucket()).key(key)))
                .url().toString();
        synchronized (signed) {
            signed.put(key, new Signed(url, now.plus(ttl.dividedBy(2))));
        }
        return url;
    }
}
