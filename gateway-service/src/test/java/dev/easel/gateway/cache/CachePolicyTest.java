package dev.easel.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.job.CacheMode;
import org.junit.jupiter.api.Test;

class CachePolicyTest {

    @Test
    void aPinnedSeedLooksUpCoalescesAndStores() {
        assertThat(CachePolicy.of(true, CacheMode.USE, true, null))
                .isEqualTo(new CachePolicy(true, true, false, true, false));
    }

    @Test
    void withoutASeedNothingCanMatchUnlessSimilarReuseIsAskedFor() {
        assertThat(CachePolicy.of(true, CacheMode.USE, false, null))
                .isEqualTo(new CachePolicy(false, false, false, true, false));
        assertThat(CachePolicy.of(true, CacheMode.USE, false, null).looksUp()).isFalse();
        assertThat(CachePolicy.of(true, CacheMode.SIMILAR, false, null))
                .isEqualTo(new CachePolicy(false, false, true, true, false));
    }

    @Test
    void bypassAndNoCacheSkipLookupsButStillStore() {
        assertThat(CachePolicy.of(true, CacheMode.BYPASS, true, null))
                .isEqualTo(new CachePolicy(false, false, false, true, true));
        assertThat(CachePolicy.of(true, CacheMode.USE, true, "max-age=0, No-Cache"))
                .isEqualTo(new CachePolicy(false, false, false, true, true));
        assertThat(CachePolicy.of(true, CacheMode.SIMILAR, false, "no-cache").looksUp()).isFalse();
    }

    @Test
    void noStoreKeepsTheResultToItselfAndDoesNotLead() {
        assertThat(CachePolicy.of(true, CacheMode.USE, true, "no-store"))
                .isEqualTo(new CachePolicy(true, false, false, false, false));
        assertThat(CachePolicy.of(true, CacheMode.USE, true, "no-storex").store()).isTrue();
    }

    @Test
    void aDisabledCacheDoesNothing() {
        assertThat(CachePolicy.of(false, CacheMode.USE, true, null))
                .isEqualTo(new CachePolicy(false, false, false, false, false));
    }
}
