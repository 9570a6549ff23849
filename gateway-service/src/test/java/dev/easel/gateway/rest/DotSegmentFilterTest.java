package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DotSegmentFilterTest {

    @Test
    void findsDotSegmentsWrittenOutOrEncodedInAnyCase() {
        for (String path : List.of("/v1/../q/metrics", "/v1/./jobs", "/v1/%2e%2e/q/metrics", "/v1/%2E%2E/x",
                "/v1/.%2e/x", "/v1/%2e./x", "/v1/jobs/%2e", "/..", "/v1/jobs/..")) {
            assertThat(DotSegmentFilter.hasDotSegment(path)).as(path).isTrue();
        }
    }

    @Test
    void leavesDotsInsideSegmentsAlone() {
        for (String path : List.of("/v1/jobs", "/v1/admin/tenants/acme/members/ada.lovelace@example.com",
                "/v1/.../x", "/v1/a..b", "/v1/%2e%2e%2e", "/v1/.well-known", "/", "")) {
            assertThat(DotSegmentFilter.hasDotSegment(path)).as(path).isFalse();
        }
    }
}
