package dev.easel.gateway.identity;

import static io.restassured.RestAssured.given;

import dev.easel.testsupport.TestKeys;
import io.restassured.http.ContentType;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/** Tenants and keys made through the admin API with the test operator key, as an operator would make them. */
public final class TestTenants {

    private TestTenants() {
    }

    /** A tenant of its own for one test class run: a fresh id, so reruns on one database never collide. */
    public static String create(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        given().header("Authorization", TestKeys.operatorBearer()).contentType(ContentType.JSON)
                .body("{\"id\": \"" + id + "\"}").post("/v1/admin/tenants").then().statusCode(201);
        return id;
    }

    /** A new key of the tenant with this role; returns the whole key. */
    public static String key(String tenant, Role role) {
        return given().header("Authorization", TestKeys.operatorBearer()).contentType(ContentType.JSON)
                .body("{\"name\": \"" + role.wireName() + " key\", \"role\": \"" + role.wireName() + "\"}")
                .post("/v1/admin/tenants/" + tenant + "/keys").then().statusCode(201).extract().path("key");
    }

    /** A key of each role below operator, by role. */
    public static Map<Role, String> keys(String tenant) {
        Map<Role, String> keys = new EnumMap<>(Role.class);
        for (Role role : new Role[] {Role.VIEWER, Role.MEMBER, Role.ADMIN}) {
            keys.put(role, key(tenant, role));
        }
        keys.put(Role.OPERATOR, TestKeys.OPERATOR);
        return keys;
    }

    public static String bearer(String key) {
        return "Bearer " + key;
    }

    /** The id part of a whole key. */
    public static String idOf(String key) {
        return ApiKeyToken.parse(key).orElseThrow().id();
    }
}
