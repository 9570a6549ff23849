package dev.easel.common.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceParentTest {

    @Test
    void readsAValidHeader() {
        TraceParent parent = TraceParent.parse(" 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01 ").orElseThrow();
        assertThat(parent.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parent.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(parent.header()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void refusesMalformedAndAllZeroIds() {
        assertThat(TraceParent.parse(null)).isEmpty();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")).isEmpty();
        assertThat(TraceParent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isEmpty();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isEmpty();
        assertThat(TraceParent.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isEmpty();
    }

    @Test
    void randomParentsAreValidAndDistinct() {
        TraceParent a = TraceParent.random();
        assertThat(TraceParent.parse(a.header())).contains(a);
        assertThat(TraceParent.random().traceId()).isNotEqualTo(a.traceId());
    }
}
