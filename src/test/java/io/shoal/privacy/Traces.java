package io.shoal.privacy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.redis.datasource.RedisDataSource;

/**
 * Where a test's Redis key prefix and PostgreSQL database still name an id: the scans behind the erasure and
 * pseudonymisation tests' "no trace left" assertions.
 */
final class Traces {

    private final RedisDataSource redis;
    private final String prefix;
    private final String jdbc;

    Traces(RedisDataSource redis, String prefix, String jdbc) {
        this.redis = redis;
        this.prefix = prefix;
        this.jdbc = jdbc;
    }

    /** Every place under the key prefix that names {@code id}: key names, hash fields and values, members, entries. */
    List<String> inRedis(String id) {
        List<String> found = new ArrayList<>();
        for (String key : redis.key().keys(prefix + "*")) {
            if (key.contains(id)) {
                found.add("key " + key);
                continue;
            }
            switch (redis.key().type(key).name()) {
                case "STRING" -> {
                    String v = redis.value(String.class).get(key);
                    if (v != null && v.contains(id)) {
                        found.add("value of " + key);
                    }
                }
                case "HASH" -> redis.hash(String.class).hgetall(key).forEach((f, v) -> {
                    if (f.contains(id) || (v != null && v.contains(id))) {
                        found.add("field " + f + " of " + key);
                    }
                });
                case "ZSET" -> redis.sortedSet(String.class).zrange(key, 0, -1).forEach(m -> {
                    if (m.contains(id)) {
                        found.add("member " + m + " of " + key);
                    }
                });
                case "STREAM" -> {
                    if (redis.execute("XRANGE", key, "-", "+").toString().contains(id)) {
                        found.add("an entry of " + key);
                    }
                }
                default -> {
                }
            }
        }
        return found;
    }

    /** Every table.column of text type in which some row contains {@code id}. */
    List<String> inPostgres(String id) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = connection()) {
            List<String[]> columns = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
                            + "AND data_type IN ('character varying', 'text', 'jsonb', 'json')")) {
                while (rs.next()) {
                    columns.add(new String[] { rs.getString(1), rs.getString(2) });
                }
            }
            if (columns.isEmpty()) {
                throw new IllegalStateException("the scan sees no text column: not the audit database?");
            }
            for (String[] col : columns) {
                try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM \"" + col[0] + "\" WHERE \""
                        + col[1] + "\"::text LIKE ?")) {
                    st.setString(1, "%" + id + "%");
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            found.add(col[0] + "." + col[1]);
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Rows of {@code table} whose user_id is {@code userId}. */
    long rows(String table, String userId) throws SQLException {
        try (Connection c = connection();
                PreparedStatement st = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE user_id = ?")) {
            st.setString(1, userId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    Connection connection() throws SQLException {
        return DriverManager.getConnection(jdbc, "postgres", "");
    }
}
