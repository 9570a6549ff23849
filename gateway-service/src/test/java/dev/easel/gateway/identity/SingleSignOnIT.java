package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on with bearer JWTs: tokens this test signs, verified against a JWKS this test serves, as an OIDC
 * provider (Keycloak's claim layout) would; no provider of its own runs.
 */
@QuarkusTest
@TestProfile(SingleSignOnIT.WithProvider.class)
class SingleSignOnIT {

    private static final String ISSUER = "https://idp.test/realms/easel";
    // The JWKS server runs in another class loader: the provider's private key reaches the tests through a
    // system property, the one thing both share.
    private static final String PRIVATE_KEY = "easel.test.sso.private-key";
    private static final KeyPair STRANGER = rsa();

    /** Turns single sign-on on, pointing at {@link Jwks}. */
    public static class WithProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The key location is easel.test.jwks-url (application.properties, %test), which Jwks sets.
            return Map.of("easel.auth.oidc.enabled", "true",
                    "mp.jwt.verify.issuer", ISSUER,
                    "mp.jwt.verify.audiences", "easel",
                    "easel.auth.oidc.role-claim", "realm_access.roles",
                    "easel.auth.oidc.roles.easel-viewers", "viewer",
                    "easel.auth.oidc.roles.easel-members", "member",
                    "easel.auth.oidc.roles.easel-admins", "admin",
                    "quarkus.log.category.\"dev.easel.gateway.identity\".level", "DEBUG");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Jwks.class));
        }
    }

    /** The provider's JWKS endpoint. */
    public static class Jwks implements QuarkusTestResourceLifecycleManager {
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                KeyPair provider = rsa();
                System.setProperty(PRIVATE_KEY, Base64.getEncoder().encodeToString(provider.getPrivate().getEncoded()));
                RsaJsonWebKey key = new RsaJsonWebKey((RSAPublicKey) provider.getPublic());
                key.setKeyId("provider-1");
                key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
                byte[] jwks = new JsonWebKeySet(key).toJson().getBytes(StandardCharsets.UTF_8);
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/jwks", exchange -> {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, jwks.length);
                    exchange.getResponseBody().write(jwks);
                    exchange.close();
                });
                server.start();
                return Map.of("easel.test.jwks-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
            } catch (Exception e) {
                throw new IllegalStateException("cannot serve the JWKS", e);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    @Test
    void aProvidersTokenActsForItsTenantWithTheMappedRole() {
        String tenant = TestTenants.create("sso");
        String alice = "alice-" + UUID.randomUUID();

        Response me = as(token(claims(alice, tenant, "easel-members", "unrelated-group"))).get("/v1/me");
        assertThat(me.statusCode()).as(me.asString()).isEqualTo(200);
        assertThat(me.<String>path("tenant")).isEqualTo(tenant);
        assertThat(me.<String>path("role")).isEqualTo("member");
        assertThat(me.<String>path("principal")).isEqualTo(alice);
        assertThat(me.<String>path("key_id")).isNull();

        // The highest role granted counts; an admin signed in manages its tenant's keys.
        String admin = token(claims("bob", tenant, "easel-viewers", "easel-admins"));
        assertThat(as(admin).contentType(ContentType.JSON).body("{\"name\": \"ci\", \"role\": \"member\"}")
                .post("/v1/admin/tenants/" + tenant + "/keys").statusCode()).isEqualTo(201);
        assertThat(as(admin).get("/v1/admin/tenants/" + TestTenants.create("elsewhere")).statusCode()).isEqualTo(404);
    }

    @Test
    void aSignedInMemberCancelsItsOwnJobsOnly() {
        String tenant = TestTenants.create("sso-jobs");
        String alice = token(claims("alice", tenant, "easel-members"));
        String carol = token(claims("carol", tenant, "easel-members"));
        String job = as(alice).contentType(ContentType.JSON).body("{\"prompt\": \"signed in\"}").post("/v1/jobs").path("id");

        assertThat(as(carol).get("/v1/jobs/" + job).statusCode()).isEqualTo(200);
        assertThat(as(carol).post("/v1/jobs/" + job + "/cancel").statusCode()).isEqualTo(403);
        assertThat(as(alice).post("/v1/jobs/" + job + "/cancel").<String>path("status")).isEqualTo("canceled");
    }

    @Test
    void tokensThatAreNotValidAreRefused() throws Exception {
        String tenant = TestTenants.create("sso-bad");
        JwtClaims expired = claims("dave", tenant, "easel-members");
        expired.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        JwtClaims otherAudience = claims("dave", tenant, "easel-members");
        otherAudience.setAudience("another-app");
        JwtClaims otherIssuer = claims("dave", tenant, "easel-members");
        otherIssuer.setIssuer("https://evil.test");
        JwtClaims noSubject = claims("dave", tenant, "easel-members");
        noSubject.unsetClaim("sub");
        JsonWebSignature unsigned = new JsonWebSignature();
        unsigned.setPayload(claims("dave", tenant, "easel-members").toJson());
        unsigned.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        unsigned.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);

        for (String bad : List.of(token(expired), token(otherAudience), token(otherIssuer), token(noSubject),
                sign(claims("dave", tenant, "easel-members"), STRANGER.getPrivate(), "provider-1"),
                unsigned.getCompactSerialization(), "not.a.jwt", "eyJhbGciOiJSUzI1NiJ9.e30.AAAA")) {
            Response answer = as(bad).get("/v1/me");
            assertThat(answer.statusCode()).as(bad).isEqualTo(401);
            assertThat(answer.<String>path("code")).isEqualTo("unauthorized");
        }
    }

    @Test
    void aValidTokenWithoutARoleOrTenantHereIsForbiddenAndADisabledTenantIsToo() {
        String tenant = TestTenants.create("sso-grant");
        for (String token : List.of(token(claims("erin", tenant, "some-other-group")),
                token(claims("erin", "no-such-tenant-" + UUID.randomUUID().toString().substring(0, 8), "easel-members")))) {
            Response answer = as(token).get("/v1/me");
            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.<String>path("code")).isEqualTo("forbidden");
        }
        given().contentType(ContentType.JSON).body("{\"disabled\": true}").patch("/v1/admin/tenants/" + tenant)
                .then().statusCode(200);
        // Every gateway trusts what it read of a tenant for easel.auth.key-cache-ttl (1 s).
        String member = token(claims("erin", tenant, "easel-members"));
        Response disabled = await().atMost(Duration.ofSeconds(5)).until(() -> as(member).get("/v1/me"),
                answer -> answer.statusCode() != 200);
        assertThat(disabled.statusCode()).isEqualTo(403);
        assertThat(disabled.<String>path("code")).isEqualTo("tenant_disabled");
    }

    @Test
    void anAdminGrantsASubjectARoleThatOutranksItsGroupsAndTakesItBack() {
        String tenant = TestTenants.create("sso-members");
        String admin = TestTenants.key(tenant, Role.ADMIN);
        String subject = "auth0|frank-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/v1/admin/tenants/" + tenant + "/members/" + subject;
        String nobody = token(claims(subject, tenant, "some-other-group"));
        String viewer = token(claims(subject, tenant, "easel-viewers"));
        assertThat(as(nobody).get("/v1/me").statusCode()).isEqualTo(403);

        Response granted = as(admin).contentType(ContentType.JSON).body("{\"role\": \"admin\"}").put(path);
        assertThat(granted.statusCode()).as(granted.asString()).isEqualTo(200);
        assertThat(granted.<String>path("subject")).isEqualTo(subject);
        assertThat(granted.<String>path("created_by")).isEqualTo(TestTenants.idOf(admin));
        // Without a group that grants anything, and above the viewer its groups grant: the member's role counts.
        assertThat(as(nobody).get("/v1/me").<String>path("role")).isEqualTo("admin");
        assertThat(as(viewer).get("/v1/me").<String>path("role")).isEqualTo("admin");
        as(admin).contentType(ContentType.JSON).body("{\"role\": \"member\"}").put(path).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> "member".equals(as(viewer).get("/v1/me").path("role")));
        assertThat(as(admin).get("/v1/admin/tenants/" + tenant + "/members").jsonPath().<String>getList("data.subject"))
                .containsExactly(subject);

        assertThat(as(admin).delete(path).<String>path("role")).isEqualTo("member");
        await().atMost(Duration.ofSeconds(5)).until(() -> "viewer".equals(as(viewer).get("/v1/me").path("role")));
        assertThat(as(nobody).get("/v1/me").statusCode()).isEqualTo(403);
        assertThat(as(admin).delete(path).statusCode()).isEqualTo(404);
        // The membership is the tenant's own: the same subject signed in to another tenant gets nothing from it.
        String elsewhere = TestTenants.create("sso-elsewhere");
        as(admin).contentType(ContentType.JSON).body("{\"role\": \"admin\"}").put(path).then().statusCode(200);
        assertThat(as(token(claims(subject, elsewhere, "some-other-group"))).get("/v1/me").statusCode()).isEqualTo(403);
    }

    @Test
    void membersAreValidatedAndNeverOperators() {
        String tenant = TestTenants.create("sso-member-rules");
        String admin = TestTenants.key(tenant, Role.ADMIN);
        String base = "/v1/admin/tenants/" + tenant + "/members/";
        for (String body : List.of("{\"role\": \"operator\"}", "{\"role\": \"owner\"}", "{}",
                "{\"role\": \"viewer\", \"extra\": 1}")) {
            Response refused = given().contentType(ContentType.JSON).body(body).put(base + "someone");
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.<String>path("code")).isEqualTo("invalid_request");
        }
        Response tooLong = as(admin).contentType(ContentType.JSON).body("{\"role\": \"viewer\"}").put(base + "s".repeat(256));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.<String>path("errors[0].field")).isEqualTo("subject");
        assertThat(as(admin).contentType(ContentType.JSON).body("{\"role\": \"viewer\"}").put(base + "s".repeat(255))
                .statusCode()).isEqualTo(200);
        assertThat(given().contentType(ContentType.JSON).body("{\"role\": \"admin\"}")
                .put("/v1/admin/tenants/no-such-" + UUID.randomUUID().toString().substring(0, 8) + "/members/x")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void apiKeysWorkBesideSingleSignOn() {
        String tenant = TestTenants.create("sso-keys");
        assertThat(as(TestTenants.key(tenant, Role.VIEWER)).get("/v1/me").<String>path("role")).isEqualTo("viewer");
    }

    private static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static JwtClaims claims(String subject, String tenant, String... roles) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience("easel");
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setClaim("easel_tenant", tenant);
        claims.setClaim("realm_access", Map.of("roles", List.of(roles)));
        return claims;
    }

    private static String token(JwtClaims claims) {
        try {
            PrivateKey provider = KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(System.getProperty(PRIVATE_KEY))));
            return sign(claims, provider, "provider-1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JwtClaims claims, PrivateKey key, String keyId) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key);
            jws.setKeyIdHeaderValue(keyId);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
