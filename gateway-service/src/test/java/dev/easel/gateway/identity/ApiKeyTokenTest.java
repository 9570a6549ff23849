package dev.easel.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeyTokenTest {

    @Test
    void mintsKeysWithTheScannablePrefixAnIdAnd32RandomBytes() {
        ApiKeyToken token = ApiKeyToken.mint();

        assertThat(token.value()).startsWith("easel_sk_" + token.id() + "_").hasSize(69);
        assertThat(token.id()).matches("[a-z0-9]{16}");
        assertThat(Base64.getUrlDecoder().decode(token.secret())).hasSize(32);
        assertThat(ApiKeyToken.parse(token.value())).contains(token);
    }

    @Test
    void neverMintsTheSameKeyTwice() {
        Set<String> ids = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ApiKeyToken token = ApiKeyToken.mint();
            ids.add(token.id());
            secrets.add(token.secret());
        }
        assertThat(ids).hasSize(10_000);
        assertThat(secrets).hasSize(10_000);
    }

    @Test
    void showsNoSecretWhenPrinted() {
        ApiKeyToken token = ApiKeyToken.mint();

        assertThat(token.toString()).contains(token.id()).doesNotContain(token.secret());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "easel_sk_abcdefghij012345",
            "easel_sk_abcdefghij012345_",
            "easel_sk_ABCDEFGHIJ012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "easel_sk_abcdefghij01234_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "easel_sk_abcdefghij012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "easel_sk_abcdefghij012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "easel_pk_abcdefghij012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "easel_sk_abcdefghij012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "easel_sk_abcdefghij012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
            " easel_sk_abcdefghij012345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    })
    void refusesWhatIsNotAKey(String value) {
        assertThat(ApiKeyToken.parse(value)).isEmpty();
    }
}
