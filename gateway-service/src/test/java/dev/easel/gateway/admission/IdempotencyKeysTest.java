package dev.easel.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void keyOrderAndWhitespaceDoNotMakeAnotherRequest() {
        String a = IdempotencyKeys.hash(Requests.json("{\"prompt\": \"a cat\", \"seed\": 7, \"metadata\": {\"x\": 1, \"y\": 2}}"));
        String b = IdempotencyKeys.hash(Requests.json("{\"seed\":7,\"metadata\":{\"y\":2,\"x\":1},\"prompt\":\"a cat\"}"));
        assertThat(a).isEqualTo(b).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void anyOtherValueDoes() {
        String base = IdempotencyKeys.hash(Requests.json("{\"prompt\": \"a cat\", \"seed\": 7}"));
        assertThat(IdempotencyKeys.hash(Requests.json("{\"prompt\": \"a cat\", \"seed\": 8}"))).isNotEqualTo(base);
        assertThat(IdempotencyKeys.hash(Requests.json("{\"prompt\": \"a cat \", \"seed\": 7}"))).isNotEqualTo(base);
        assertThat(IdempotencyKeys.hash(Requests.json("{\"prompt\": \"a cat\", \"seed\": \"7\"}"))).isNotEqualTo(base);
        assertThat(IdempotencyKeys.hash(Requests.json("[{\"prompt\": \"a cat\", \"seed\": 7}]"))).isNotEqualTo(base);
    }

    @Test
    void onlyPostgresUniqueViolationsMeanTheKeyIsTaken() {
        var unique = new ConstraintViolationException("dup", new SQLException("dup", "23505"), "jobs_idempotency_key");
        var notNull = new ConstraintViolationException("null", new SQLException("null", "23502"), "jobs_kind");
        assertThat(IdempotencyKeys.isUniqueViolation(new RuntimeException("wrapped", unique))).isTrue();
        assertThat(IdempotencyKeys.isUniqueViolation(notNull)).isFalse();
        assertThat(IdempotencyKeys.isUniqueViolation(new IllegalStateException("other"))).isFalse();
    }
}
