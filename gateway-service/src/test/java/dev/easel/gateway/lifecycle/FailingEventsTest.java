package dev.easel.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FailingEventsTest {

    private static final TopicPartition P0 = new TopicPartition("easel.job-events", 0);
    private static final TopicPartition P1 = new TopicPartition("easel.job-events", 1);

    private final FailingEvents failing = new FailingEvents(3);

    /** What Hibernate throws when the database refuses a statement with this SQLSTATE. */
    private static RuntimeException refused(String state) {
        return new PersistenceException("could not execute statement", new SQLException("refused", state));
    }

    @Test
    void anEventRefusedForItsContentIsSetAsideOnItsLastAttempt() {
        assertThat(failing.giveUp(P0, 42, refused("22P05"))).isFalse();
        assertThat(failing.giveUp(P0, 42, refused("22P05"))).isFalse();
        assertThat(failing.giveUp(P0, 42, refused("22P05"))).isTrue();
    }

    @Test
    void aBugCountsLikeARefusal() {
        failing.giveUp(P0, 7, new NullPointerException());
        failing.giveUp(P0, 7, new IllegalStateException("unexpected"));
        assertThat(failing.giveUp(P0, 7, new NullPointerException())).isTrue();
    }

    @Test
    void anOutageOrAConflictBetweenTransactionsIsRetriedForAsLongAsItLasts() {
        for (int i = 0; i < 100; i++) {
            assertThat(failing.giveUp(P0, 42, refused("08006"))).as("connection failure").isFalse();
            assertThat(failing.giveUp(P0, 42, refused(null))).as("pool acquisition timeout").isFalse();
            assertThat(failing.giveUp(P0, 42, refused("57P01"))).as("admin shutdown").isFalse();
            assertThat(failing.giveUp(P0, 42, refused("40P01"))).as("deadlock").isFalse();
            assertThat(failing.giveUp(P0, 42, refused("40001"))).as("serialization failure").isFalse();
        }
        // Transient failures did not count towards the content's attempts.
        assertThat(failing.giveUp(P0, 42, refused("23514"))).isFalse();
    }

    @Test
    void attemptsCountPerEventAndPerPartition() {
        failing.giveUp(P0, 42, refused("22P05"));
        failing.giveUp(P0, 42, refused("22P05"));
        failing.giveUp(P1, 42, refused("22P05"));
        assertThat(failing.giveUp(P0, 43, refused("22P05"))).as("another event starts over").isFalse();
        assertThat(failing.giveUp(P1, 42, refused("22P05"))).as("the other partition's event counts alone").isFalse();
        assertThat(failing.giveUp(P1, 42, refused("22P05"))).isTrue();
    }

    @Test
    void anEventAppliedInTheEndForgetsItsFailures() {
        failing.giveUp(P0, 42, refused("22P05"));
        failing.giveUp(P0, 42, refused("22P05"));
        failing.applied(P0, 42);
        assertThat(failing.giveUp(P0, 42, refused("22P05"))).isFalse();
    }

    @Test
    void atLeastOneAttempt() {
        assertThatThrownBy(() -> new FailingEvents(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
