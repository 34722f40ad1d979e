package io.shoal.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * One Shoal process from the packaged jar, in a role ({@code QUARKUS_PROFILE=prod,<role>}), on its own port, for
 * the tests that run real processes (and kill them).
 */
public final class ShoalProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The admin API key every process of the tests is started with (its hash in shoal.auth.api-keys). */
    public static final String API_KEY = "it-admin-key-5c1e0f7a9b3d4e21";
    private static final java.util.Map<Integer, Integer> MANAGEMENT_PORTS = new java.util.concurrent.ConcurrentHashMap<>();

    public final String name;
    public final int port;
    /** Health and metrics (the management interface), the same again when a test restarts a process on its port. */
    public final int managementPort;
    public final Path log;
    private final Process process;

    private ShoalProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort(port);
        this.log = log;
        this.process = process;
    }

    /**
     * Starts a process of the role; {@code settings} are extra {@code -Dkey=value} system properties.
     *
     * @param database the test's PostgreSQL database, shared by the processes of one test
     * @param prefix   the test's Redis key prefix, likewise
     */
    public static ShoalProcess start(String role, String name, String database, String prefix, String bootstrap,
            List<String> settings) throws IOException {
        return start(role, name, "127.0.0.1:5432", database, ShoalTestResources.REDIS_URL, prefix, bootstrap, settings,
                freePort());
    }

    /**
     * @param postgres host:port of the PostgreSQL server
     * @param redisUrl the Redis server
     * @param port     the HTTP port (the same one again when a test restarts a killed process)
     */
    public static ShoalProcess start(String role, String name, String postgres, String database, String redisUrl,
            String prefix, String bootstrap, List<String> settings, int port) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the packaged application " + jar + " is missing (run by mvn verify)");
        }
        Path log = Files.createTempFile("shoal-" + name + "-", ".log");
        List<String> command = new ArrayList<>(List.of("java", "-Xmx768m",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort(port),
                "-Dshoal.auth.api-keys=it-admin:" + io.shoal.security.ApiKeys.sha256Hex(API_KEY) + ":admin",
                "-Dquarkus.datasource.reactive.url=postgresql://" + postgres + "/" + database,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://" + postgres + "/" + database,
                "-Dquarkus.redis.hosts=" + redisUrl,
                "-Dshoal.redis.key-prefix=" + prefix));
        if (bootstrap != null) {
            command.add("-Dkafka.bootstrap.servers=" + bootstrap);
        }
        command.addAll(settings);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_PROFILE", "prod," + role);
        return new ShoalProcess(name, port, log, pb.start());
    }

    public ShoalProcess awaitReady() {
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited; log: " + log, () -> !process.isAlive())
                .until(() -> status(ready) == 200);
        return this;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The process's Prometheus scrape. */
    public String scrape() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The sum of a Prometheus counter's samples whose line starts with {@code metric} (0 when absent). */
    public double metric(String metric) throws Exception {
        String body = scrape();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    public HttpResponse<String> post(String path, String json) throws Exception {
        return post(path, json, java.util.Map.of());
    }

    public HttpResponse<String> post(String path, String json, java.util.Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("X-API-Key", API_KEY);
        headers.forEach(b::header);
        return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request without a body (GET, DELETE) with the admin key. */
    public HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).header("X-API-Key", API_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no drain, no offset commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, and whether the process ended within {@code seconds}. */
    public boolean terminate(int seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** The management port that goes with an HTTP port (chosen once, kept for restarts). */
    public static int managementPort(int httpPort) {
        return MANAGEMENT_PORTS.computeIfAbsent(httpPort, p -> {
            try {
                return freePort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
