package dev.easel.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CursorSealTest {

    private static final String LISTING = "jobs\nacme\nqueued";
    private final CursorSeal seal = new CursorSeal("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    @Test
    void opensWhatItSealedForTheSameListing() {
        String cursor = seal.seal("1765180800:5:0192f3c8-0000-7000-8000-000000000001", LISTING);

        assertThat(cursor).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}");
        assertThat(seal.open(cursor, LISTING)).isEqualTo("1765180800:5:0192f3c8-0000-7000-8000-000000000001");
    }

    @Test
    void refusesAnotherListingAnotherKeyAndAnyChangedByte() {
        String cursor = seal.seal("42", LISTING);
        String forgedPosition = Base64.getUrlEncoder().withoutPadding().encodeToString("43".getBytes(StandardCharsets.UTF_8))
                + cursor.substring(cursor.indexOf('.'));
        List<Runnable> refused = List.of(
                () -> seal.open(cursor, "jobs\nother-tenant\nqueued"),
                () -> seal.open(cursor, "jobs\nacme\n"),
                () -> new CursorSeal("x".repeat(32).getBytes(StandardCharsets.UTF_8)).open(cursor, LISTING),
                () -> seal.open(forgedPosition, LISTING),
                () -> seal.open(cursor.substring(0, cursor.length() - 1), LISTING),
                () -> seal.open(cursor.replace('.', ':'), LISTING),
                () -> seal.open("not a cursor", LISTING),
                () -> seal.open("." + cursor, LISTING));
        for (Runnable open : refused) {
            assertThatThrownBy(open::run).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.errors().getFirst().field()).isEqualTo("cursor");
            });
        }
    }
}
