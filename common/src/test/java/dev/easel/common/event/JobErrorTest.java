package dev.easel.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobErrorTest {

    @Test
    void aReportedMessageLosesItsNulCharactersAndKeepsEverythingElse() {
        JobError error = JobError.reported("model_error", "bad\0byte\0 é ✓\ttab", true);

        assertThat(error.message()).isEqualTo("bad\uFFFDbyte\uFFFD é ✓\ttab");
        assertThat(error.message()).doesNotContain("\0");
        assertThat(error.code()).isEqualTo("model_error");
        assertThat(error.retryable()).isTrue();
    }

    @Test
    void anErrorBuiltDirectlyKeepsItsMessageAsGiven() {
        assertThat(new JobError("model_error", "bad\0byte", false).message()).contains("\0");
    }
}
