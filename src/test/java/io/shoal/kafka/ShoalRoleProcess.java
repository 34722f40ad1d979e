package io.shoal.kafka;

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

import io.shoal.testing.ShoalTestResources;

/** One Shoal process from the packaged jar, in a role ({@code QUARKUS_PROFILE=prod,<role>}), on its own port. */
final class ShoalRoleProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final Path log;
    private final Process process;

    private ShoalRoleProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts a process of the role; {@code settings} are extra {@code -Dkey=value} system properties.
     *
     * @param database the test's PostgreSQL database, shared by the processes of one test
     * @param prefix   the test's Redis key prefix, likewise
     */
    static ShoalRoleProcess start(String role, String name, String database, String prefix, String bootstrap,
            List<String> settings) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the packaged application " + jar + " is missing (run by mvn verify)");
        }
        int port = freePort();
        Path log = Files.createTempFile("shoal-kafka-" + name + "-", ".log");
        List<String> command = new ArrayList<>(List.of("java", "-Xmx768m",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + database,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                "-Dquarkus.redis.hosts=" + ShoalTestResources.REDIS_URL,
                "-Dshoal.redis.key-prefix=" + prefix,
                "-Dkafka.bootstrap.servers=" + bootstrap));
        command.addAll(settings);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_PROFILE", "prod," + role);
        return new ShoalRoleProcess(name, port, log, pb.start());
    }

    ShoalRoleProcess awaitReady() {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited; log: " + log, () -> !process.isAlive())
                .until(() -> status(ready) == 200);
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The sum of a Prometheus counter's samples whose line starts with {@code metric} (0 when absent). */
    double metric(String metric) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(uri("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no drain, no offset commit. */
    void kill() throws InterruptedException {
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
