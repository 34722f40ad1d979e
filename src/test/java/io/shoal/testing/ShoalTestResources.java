package io.shoal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a test run its own PostgreSQL database and Redis key prefix on the real local services, and removes both
 * afterwards. Several runs (or developers) can share one machine without seeing each other's data. Under
 * {@link RedisClusterProfile} the Redis is a three-master cluster of the run's own instead, with a hash-tagged prefix.
 * <p>
 * The admin connection defaults to {@code jdbc:postgresql://127.0.0.1:5432/postgres} as user {@code postgres};
 * override with the environment variables {@code SHOAL_TEST_PG_HOST}, {@code SHOAL_TEST_PG_PORT},
 * {@code SHOAL_TEST_PG_USER}, {@code SHOAL_TEST_PG_PASSWORD} and {@code SHOAL_TEST_REDIS} (a redis:// URL).
 */
public class ShoalTestResources implements QuarkusTestResourceLifecycleManager {

    private static final String PG_HOST = env("SHOAL_TEST_PG_HOST", "127.0.0.1");
    private static final String PG_PORT = env("SHOAL_TEST_PG_PORT", "5432");
    private static final String PG_USER = env("SHOAL_TEST_PG_USER", "postgres");
    private static final String PG_PASSWORD = env("SHOAL_TEST_PG_PASSWORD", "");
    public static final String REDIS_URL = env("SHOAL_TEST_REDIS", "redis://127.0.0.1:6379");

    private String database;
    private String keyPrefix;
    private String profile;
    private RedisClusterProcess cluster;

    @Override
    public void setContext(Context context) {
        profile = context.testProfile();
    }

    @Override
    public Map<String, String> start() {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        database = "shoal_test_" + run;
        execute("CREATE DATABASE " + database);
        Map<String, String> config = new HashMap<>(Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database,
                "quarkus.datasource.username", PG_USER,
                "quarkus.datasource.password", PG_PASSWORD));
        if (RedisClusterProfile.class.getName().equals(profile)) {
            try {
                cluster = RedisClusterProcess.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            keyPrefix = "{shoal-test-" + run + "}:";
            config.put("quarkus.redis.hosts", cluster.url());
            config.put("quarkus.redis.client-type", "cluster");
        } else {
            keyPrefix = "shoal-test-" + run + ":";
            config.put("quarkus.redis.hosts", REDIS_URL);
        }
        config.put("shoal.redis.key-prefix", keyPrefix);
        return config;
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        if (cluster != null) {
            try {
                cluster.close(); // its keys go with it
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (keyPrefix != null) {
            RedisCleaner.deleteByPrefix(REDIS_URL, keyPrefix);
        }
    }

    /** A connection to one database of the shared server. */
    public static Connection connection(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database, PG_USER,
                PG_PASSWORD);
    }

    public static Connection adminConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres", PG_USER,
                PG_PASSWORD);
    }

    private static void execute(String sql) {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_HOST + ":" + PG_PORT + " refused: " + sql
                    + " (is it running? see README, Requirements)", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
