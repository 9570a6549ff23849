package dev.easel.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** A PostgreSQL database of its own for one test run, dropped when the run ends. */
public final class TestDatabase {

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    /** Creates {@code easel_it_<time>_<random>} on the machine's PostgreSQL. */
    public static TestDatabase create() {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String name = "easel_it_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
                + "_" + HexFormat.of().formatHex(random);
        execute("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return jdbcUrl(name);
    }

    /** The URL of this database through another address, such as a {@link TcpProxy} in front of the server. */
    public String jdbcUrlThrough(String host, int port) {
        return jdbcUrl(host, port, name);
    }

    public void drop() {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static String jdbcUrl(String database) {
        return jdbcUrl(LocalStack.postgresHost(), LocalStack.postgresPort(), database);
    }

    private static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), LocalStack.postgresUser(), "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + LocalStack.postgresHost() + ":" + LocalStack.postgresPort()
                    + " refused '" + sql + "': " + e.getMessage()
                    + ". Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
    }
}
