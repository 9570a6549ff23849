package dev.easel.gateway.identity;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's members: single-sign-on subjects its admins granted a role in it ({@link SingleSignOn} gives such a
 * subject that role, whatever the provider's claims grant). At most {@link Role#ADMIN}: operators come only from
 * the provider's claims or operator keys. Blocks: the database.
 */
@ApplicationScoped
public class Members {

    /** A subject's grant in a tenant. */
    public record Member(String tenant, String subject, Role role, Instant createdAt, String createdBy) {
    }

    private static final String COLUMNS = "tenant_id, subject, role, created_at, created_by";

    private final AgroalDataSource dataSource;
    private final RecentReads<Optional<Role>> roles;

    Members(AgroalDataSource dataSource, AuthConfig config) {
        this.dataSource = dataSource;
        this.roles = new RecentReads<>(config.keyCacheTtl());
    }

    /** Grants the subject the role, or changes the role it had; answers the member as stored. */
    public Member grant(String tenant, String subject, Role role, String grantedBy) throws SQLException {
        if (role.atLeast(Role.OPERATOR)) {
            throw new IllegalArgumentException("members are at most admins");
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO members (" + COLUMNS + ") "
                     + "VALUES (?, ?, ?, now(), ?) ON CONFLICT (tenant_id, subject) DO UPDATE SET role = excluded.role "
                     + "RETURNING " + COLUMNS)) {
            upsert.setString(1, tenant);
            upsert.setString(2, subject);
            upsert.setString(3, role.wireName());
            upsert.setString(4, grantedBy);
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                roles.forget(key(tenant, subject));
                return read(rs);
            }
        }
    }

    /** Removes the subject's grant; false when it had none. */
    public boolean remove(String tenant, String subject) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM members WHERE tenant_id = ? AND subject = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, subject);
            boolean removed = delete.executeUpdate() == 1;
            roles.forget(key(tenant, subject));
            return removed;
        }
    }

    /** The tenant's members, by subject. */
    public List<Member> list(String tenant) throws SQLException {
        List<Member> members = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM members WHERE tenant_id = ? ORDER BY subject")) {
            select.setString(1, tenant);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    members.add(read(rs));
                }
            }
        }
        return members;
    }

    public Optional<Member> find(String tenant, String subject) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM members WHERE tenant_id = ? AND subject = ?")) {
            select.setString(1, tenant);
            select.setString(2, subject);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * The role the tenant's admins granted the subject, if any: read again after {@code easel.auth.key-cache-ttl},
     * so that a grant or removal on any gateway applies on every other within that long.
     */
    Optional<Role> role(String tenant, String subject) throws SQLException {
        String key = key(tenant, subject);
        Optional<Optional<Role>> known = roles.fresh(key);
        if (known.isPresent()) {
            return known.get();
        }
        return roles.remember(key, find(tenant, subject).map(Member::role));
    }

    private static String key(String tenant, String subject) {
        return tenant + '\n' + subject;
    }

    private static Member read(ResultSet rs) throws SQLException {
        return new Member(rs.getString("tenant_id"), rs.getString("subject"),
                Role.fromWire(rs.getString("role")).orElseThrow(), rs.getObject("created_at", OffsetDateTime.class)
                .toInstant(), rs.getString("created_by"));
    }
}
