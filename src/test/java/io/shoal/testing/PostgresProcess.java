package io.shoal.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary directory, trust auth, a free port), so that a
 * test can stop it and start it again. PostgreSQL refuses to run as root: as root the server runs as the
 * {@code postgres} user through runuser. The binaries are found under /usr/lib/postgresql/<version>/bin or by
 * {@code SHOAL_TEST_PG_BIN}.
 */
public final class PostgresProcess implements AutoCloseable {

    public final int port;
    private final Path dir;
    private final Path bin;

    private PostgresProcess(int port, Path dir, Path bin) {
        this.port = port;
        this.dir = dir;
        this.bin = bin;
    }

    public static PostgresProcess start() throws Exception {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("shoal-pg-");
        PostgresProcess pg = new PostgresProcess(ShoalProcess.freePort(), dir, bin);
        if (root()) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        pg.asServerUser(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
                "-U", "postgres", "--no-sync", "-E", "UTF8"));
        pg.startServer();
        return pg;
    }

    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
    }

    public void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /** Starts the server (again) on the same port and data. */
    public void startServer() throws Exception {
        asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    }

    /** Stops the server at once (like a crash: no checkpoint; clients are cut off). */
    public void stopServer() throws Exception {
        asServerUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m",
                "immediate", "-w", "stop"));
    }

    @Override
    public void close() throws Exception {
        try {
            stopServer();
        } catch (Exception ignored) {
            // already stopped
        }
        run(List.of("rm", "-rf", dir.toString()));
    }

    private void asServerUser(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws Exception {
        Path out = Files.createTempFile("shoal-pg-cmd-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(out));
        }
        Files.deleteIfExists(out);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path binaries() throws IOException {
        String env = System.getenv("SHOAL_TEST_PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (var versions = Files.list(base)) {
                var found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .sorted(java.util.Comparator.reverseOrder()).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin; "
                + "set SHOAL_TEST_PG_BIN");
    }
}
