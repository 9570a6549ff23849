package dev.easel.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageKeysTest {

    @Test
    void laysOutJobOutputsAndUploadsUnderTheirTenant() {
        String job = "01J9Z3YQ6V5M2B7X8K4T0N1R2S";
        assertThat(StorageKeys.output("acme", job, 0)).isEqualTo("outputs/acme/" + job + "/0.png");
        assertThat(StorageKeys.thumbnail("acme", job, 3)).isEqualTo("outputs/acme/" + job + "/3.thumb.jpg");
        assertThat(StorageKeys.preview("acme", job)).isEqualTo("outputs/acme/" + job + "/preview.jpg");
        assertThat(StorageKeys.jobPrefix("acme", job)).isEqualTo("outputs/acme/" + job + "/");
        assertThat(StorageKeys.upload("acme", "up_1-x")).isEqualTo("uploads/acme/up_1-x");
    }

    @Test
    void keepsTheLayoutOfJobsQueuedBeforeTenants() {
        assertThat(StorageKeys.output(null, "job", 0)).isEqualTo("outputs/job/0.png");
        assertThat(StorageKeys.upload(null, "up")).isEqualTo("uploads/up");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a/b", "..", "../x", "a..b", ".", "a b", "a\\b", "é"})
    void refusesIdsThatCouldEscapeTheirPrefix(String id) {
        assertThatThrownBy(() -> StorageKeys.output("t", id, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKeys.preview("t", id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKeys.upload("t", id)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", "a b", "é"})
    void refusesTenantsThatCouldEscapeTheirPrefix(String tenant) {
        assertThatThrownBy(() -> StorageKeys.output(tenant, "job", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKeys.upload(tenant, "up")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNegativeIndexes() {
        assertThatThrownBy(() -> StorageKeys.output("t", "job", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
