package io.shoal.audit;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.shoal.config.DatabaseConfig;

/**
 * Prepares the audit database before anything uses it: creates it when {@code shoal.database.create-if-missing} is
 * on and the server lacks it, then applies the Flyway migrations (db/migration). Runs first at start (priority 1),
 * on the main thread, so every bean that reads PostgreSQL at start finds its tables. Flyway's own
 * {@code migrate-at-start} stays off: it would run before any application code, on a database that may not exist yet.
 */
@ApplicationScoped
public class DatabaseSetup {

    /** The database every PostgreSQL server has, used to create another one. */
    static final String MAINTENANCE_DATABASE = "postgres";
    /** PostgreSQL's SQLSTATE for "database already exists" (another process created it meanwhile). */
    static final String DUPLICATE_DATABASE = "42P04";

    private final DatabaseConfig config;
    private final Flyway flyway;
    private final String jdbcUrl;
    private final Optional<String> user;
    private final Optional<String> password;

    public DatabaseSetup(DatabaseConfig config, Flyway flyway,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.config = config;
        this.flyway = flyway;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    void prepare(@Observes @Priority(1) StartupEvent ignored) {
        if (config.createIfMissing()) {
            createIfMissing();
        }
        int applied = flyway.migrate().migrationsExecuted;
        if (applied > 0) {
            Log.infof("Applied %d database migrations", applied);
        }
    }

    private void createIfMissing() {
        String database = databaseName(jdbcUrl);
        String maintenance = withDatabase(jdbcUrl, MAINTENANCE_DATABASE);
        try (Connection c = DriverManager.getConnection(maintenance, user.orElse(null), password.orElse(""))) {
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                q.setString(1, database);
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        return;
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
                Log.infof("Created the database %s (shoal.database.create-if-missing)", database);
            }
        } catch (SQLException e) {
            if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                throw new IllegalStateException("could not create the database " + database + " through "
                        + maintenance + " (shoal.database.create-if-missing): " + e.getMessage(), e);
            }
        }
    }

    /** The database of a {@code jdbc:postgresql://host:port/db?params} URL. */
    static String databaseName(String jdbcUrl) {
        String path = URI.create(jdbcUrl.substring("jdbc:".length())).getPath();
        if (path == null || path.length() < 2) {
            throw new IllegalArgumentException("quarkus.datasource.jdbc.url names no database: " + jdbcUrl);
        }
        return path.substring(1);
    }

    /** The same URL with another database. */
    static String withDatabase(String jdbcUrl, String database) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        return "jdbc:" + uri.getScheme() + "://" + uri.getRawAuthority() + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
