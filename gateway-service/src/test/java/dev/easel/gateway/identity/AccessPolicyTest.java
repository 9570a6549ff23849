package dev.easel.gateway.identity;

import static dev.easel.gateway.identity.AccessPolicy.Decision.ALLOWED;
import static dev.easel.gateway.identity.AccessPolicy.Decision.FORBIDDEN;
import static dev.easel.gateway.identity.AccessPolicy.Decision.HIDDEN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccessPolicyTest {

    private static Caller caller(Role role) {
        return new Caller("acme", "acme", "key-" + role.wireName(), role, "key-" + role.wireName());
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void allowsAnActionOnTheOwnTenantFromItsLeastRoleUp(Action action) {
        for (Role role : Role.values()) {
            assertThat(AccessPolicy.decide(caller(role), action, "acme"))
                    .as("%s by %s", action, role)
                    .isEqualTo(role.atLeast(action.least()) ? ALLOWED : FORBIDDEN);
        }
    }

    @ParameterizedTest
    @EnumSource(Action.class)
    void hidesAnotherTenantFromEveryoneButOperators(Action action) {
        for (Role role : Role.values()) {
            assertThat(AccessPolicy.decide(caller(role), action, "other"))
                    .as("%s by %s", action, role)
                    .isEqualTo(role == Role.OPERATOR ? ALLOWED : HIDDEN);
        }
    }

    @Test
    void aMemberCancelsOnlyItsOwnJobsAnAdminAnyOfItsTenant() {
        assertThat(AccessPolicy.cancel(caller(Role.MEMBER), "acme", "key-member")).isEqualTo(ALLOWED);
        assertThat(AccessPolicy.cancel(caller(Role.MEMBER), "acme", "someone-else")).isEqualTo(FORBIDDEN);
        assertThat(AccessPolicy.cancel(caller(Role.VIEWER), "acme", "key-viewer")).isEqualTo(FORBIDDEN);
        assertThat(AccessPolicy.cancel(caller(Role.ADMIN), "acme", "someone-else")).isEqualTo(ALLOWED);
        assertThat(AccessPolicy.cancel(caller(Role.ADMIN), "other", "someone-else")).isEqualTo(HIDDEN);
        assertThat(AccessPolicy.cancel(caller(Role.OPERATOR), "other", "someone-else")).isEqualTo(ALLOWED);
    }

    @Test
    void nobodyManagesAKeyAboveTheirOwnRole() {
        assertThat(AccessPolicy.manageKey(caller(Role.ADMIN), "acme", Role.ADMIN)).isEqualTo(ALLOWED);
        assertThat(AccessPolicy.manageKey(caller(Role.ADMIN), "acme", Role.MEMBER)).isEqualTo(ALLOWED);
        assertThat(AccessPolicy.manageKey(caller(Role.ADMIN), "acme", Role.OPERATOR)).isEqualTo(FORBIDDEN);
        assertThat(AccessPolicy.manageKey(caller(Role.MEMBER), "acme", Role.VIEWER)).isEqualTo(FORBIDDEN);
        assertThat(AccessPolicy.manageKey(caller(Role.ADMIN), "other", Role.VIEWER)).isEqualTo(HIDDEN);
        assertThat(AccessPolicy.manageKey(caller(Role.OPERATOR), "other", Role.OPERATOR)).isEqualTo(ALLOWED);
    }
}
