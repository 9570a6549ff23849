package dev.easel.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueSnapshotTest {

    private static final Instant T0 = Instant.parse("2026-12-08T06:00:00Z");

    @Test
    void aSmallBacklogGivesExactPositionsInCreationThenIdOrder() {
        UUID a = new UUID(0, 1);
        UUID b = new UUID(0, 2);
        QueueSnapshot snapshot = new QueueSnapshot.Builder().add(T0, a).add(T0, b).add(T0.plusMillis(1), a).build();

        assertThat(snapshot.size()).isEqualTo(3);
        assertThat(snapshot.position(T0, a)).isZero();
        assertThat(snapshot.position(T0, b)).isEqualTo(1);
        assertThat(snapshot.position(T0.plusMillis(1), a)).isEqualTo(2);
        assertThat(snapshot.position(T0.plusSeconds(5), UUID.randomUUID())).as("queued after the read").isEqualTo(3);
        assertThat(QueueSnapshot.EMPTY.position(T0, a)).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {4095, 4096, 10_000, 250_000})
    void anyBacklogKeepsAtMostItsBoundOfSamplesAndPositionsWithinAStride(int backlog) {
        List<UUID> ids = new ArrayList<>();
        QueueSnapshot.Builder builder = new QueueSnapshot.Builder();
        for (int i = 0; i < backlog; i++) {
            UUID id = new UUID(0, i);
            ids.add(id);
            builder.add(T0.plusMillis(i), id);
        }
        QueueSnapshot snapshot = builder.build();

        assertThat(snapshot.size()).isEqualTo(backlog);
        // At most MAX_SAMPLES samples, at least half as many once thinned: one stands for 2 x backlog / MAX_SAMPLES jobs.
        long stride = 2L * backlog / QueueSnapshot.MAX_SAMPLES + 1;
        for (int rank : new int[] {0, 1, 17, backlog / 3, backlog / 2, backlog - 2, backlog - 1}) {
            long position = snapshot.position(T0.plusMillis(rank), ids.get(rank));
            assertThat(Math.abs(position - rank)).as("job %d of %d", rank, backlog).isLessThanOrEqualTo(stride);
        }
        if (backlog < QueueSnapshot.MAX_SAMPLES) {
            assertThat(snapshot.position(T0.plusMillis(1234), ids.get(1234))).isEqualTo(1234);
        }
    }
}
