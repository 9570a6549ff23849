package dev.easel.common.job;

import static dev.easel.common.job.JobStatus.CANCELED;
import static dev.easel.common.job.JobStatus.EXPIRED;
import static dev.easel.common.job.JobStatus.FAILED;
import static dev.easel.common.job.JobStatus.QUEUED;
import static dev.easel.common.job.JobStatus.RUNNING;
import static dev.easel.common.job.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobTransitionsTest {

    // Rows: from; columns: to, in declaration order QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED, EXPIRED.
    private static final boolean[][] ALLOWED = {
            /* QUEUED    */ {false, true, false, true, true, true},
            /* RUNNING   */ {false, true, true, true, true, false},
            /* SUCCEEDED */ {false, false, false, false, false, false},
            /* FAILED    */ {false, false, false, false, false, false},
            /* CANCELED  */ {false, false, false, false, false, false},
            /* EXPIRED   */ {false, false, false, false, false, false},
    };

    static Stream<Arguments> everyPair() {
        assertThat(JobStatus.values()).containsExactly(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED, EXPIRED);
        return Arrays.stream(JobStatus.values()).flatMap(from -> Arrays.stream(JobStatus.values())
                .map(to -> Arguments.of(from, to, ALLOWED[from.ordinal()][to.ordinal()])));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    void allowsExactlyTheTransitionsOfTheTable(JobStatus from, JobStatus to, boolean allowed) {
        assertThat(JobTransitions.isAllowed(from, to)).isEqualTo(allowed);
        if (allowed) {
            assertThatCode(() -> JobTransitions.check(from, to)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> JobTransitions.check(from, to))
                    .isInstanceOfSatisfying(IllegalJobStateChangeException.class, e -> {
                        assertThat(e.from()).isEqualTo(from);
                        assertThat(e.to()).isEqualTo(to);
                        assertThat(e.code()).isEqualTo("illegal_job_state_change");
                    });
        }
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    void nothingLeavesATerminalStatus(JobStatus from, JobStatus to, boolean allowed) {
        if (from.isTerminal()) {
            assertThat(JobTransitions.isAllowed(from, to)).isFalse();
        }
    }
}
