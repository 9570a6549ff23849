package dev.easel.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyHasherTest {

    private static final String PEPPER = "a-pepper-of-at-least-thirty-two-bytes-0123";

    @Test
    void matchesOnlyTheSecretTheHashWasMadeFrom() {
        KeyHasher hasher = new KeyHasher(PEPPER);
        ApiKeyToken token = ApiKeyToken.mint();
        byte[] stored = hasher.hash(token);

        assertThat(stored).hasSize(32);
        assertThat(hasher.matches(token, stored)).isTrue();
        assertThat(hasher.matches(ApiKeyToken.mint(), stored)).isFalse();
        assertThat(hasher.matches(new ApiKeyToken(token.id(), ApiKeyToken.mint().secret()), stored)).isFalse();
    }

    @Test
    void bindsTheHashToTheKeyIdSoItCannotBeMovedToAnotherRow() {
        KeyHasher hasher = new KeyHasher(PEPPER);
        ApiKeyToken token = ApiKeyToken.mint();
        ApiKeyToken sameSecretOtherId = new ApiKeyToken(ApiKeyToken.mint().id(), token.secret());

        assertThat(hasher.matches(sameSecretOtherId, hasher.hash(token))).isFalse();
    }

    @Test
    void dependsOnThePepper() {
        ApiKeyToken token = ApiKeyToken.mint();

        assertThat(new KeyHasher(PEPPER + "x").matches(token, new KeyHasher(PEPPER).hash(token))).isFalse();
    }

    @Test
    void refusesAShortPepper() {
        assertThatThrownBy(() -> new KeyHasher("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes");
        assertThat(new KeyHasher("x".repeat(32))).isNotNull();
        assertThatThrownBy(() -> new KeyHasher("x".repeat(31))).isInstanceOf(IllegalArgumentException.class);
    }
}
