package dev.easel.common.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageKeysTest {

    @Test
    void laysOutJobOutputsAndUploads() {
        String job = "01J9Z3YQ6V5M2B7X8K4T0N1R2S";
        assertThat(StorageKeys.output(job, 0)).isEqualTo("outputs/" + job + "/0.png");
        assertThat(StorageKeys.thumbnail(job, 3)).isEqualTo("outputs/" + job + "/3.thumb.jpg");
        assertThat(StorageKeys.preview(job)).isEqualTo("outputs/" + job + "/preview.jpg");
        assertThat(StorageKeys.jobPrefix(job)).isEqualTo("outputs/" + job + "/");
        assertThat(StorageKeys.upload("up_1-x")).isEqualTo("uploads/up_1-x");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"a/b", "..", "../x", "a..b", ".", "a b", "a\\b", "é"})
    void refusesIdsThatCouldEscapeTheirPrefix(String id) {
        assertThatThrownBy(() -> StorageKeys.output(id, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKeys.preview(id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageKeys.upload(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNegativeIndexes() {
        assertThatThrownBy(() -> StorageKeys.output("job", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
