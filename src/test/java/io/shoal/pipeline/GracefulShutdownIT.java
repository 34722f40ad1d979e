package io.shoal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.shoal.testing.RedisCleaner;
import io.shoal.testing.ShoalProcess;
import io.shoal.testing.ShoalTestResources;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Runs the packaged service as a real process, sends events that sit in an open micro-batch, sends SIGTERM and
 * checks that every accepted event was processed before the process exited.
 */
class GracefulShutdownIT {

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String database = "shoal_it_" + run;
    private final String prefix = "shoal-it-" + run + ":";
    private Process process;

    @AfterEach
    void cleanUp() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        RedisCleaner.deleteByPrefix(ShoalTestResources.REDIS_URL, prefix);
    }

    @Test
    void sigtermDrainsEveryAcceptedEvent() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("packaged application (run by mvn verify)").exists();
        try (Connection c = ShoalTestResources.adminConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        int port = freePort();
        Path log = Files.createTempFile("shoal-it", ".log");
        process = new ProcessBuilder("java",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + ShoalProcess.managementPort(port),
                "-Dshoal.auth.api-keys=it-admin:" + io.shoal.security.ApiKeys.sha256Hex(ShoalProcess.API_KEY) + ":admin",
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/" + database,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                "-Dquarkus.redis.hosts=" + ShoalTestResources.REDIS_URL,
                "-Dshoal.redis.key-prefix=" + prefix,
                // Batches close only by size or after 10 s: at SIGTERM the events are still waiting in one.
                "-Dshoal.pipeline.batch-size=100000",
                "-Dshoal.pipeline.batch-timeout=10s",
                "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + ShoalProcess.managementPort(port) + "/q/health/ready");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .failFast("service process exited; log: " + log, () -> !process.isAlive())
                .until(() -> isUp(http, ready));

        int accepted = 0;
        for (int r = 0; r < 20; r++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 100; i++) {
                body.append(i == 0 ? "" : ",").append("{\"eventId\":\"").append(run).append('-').append(r)
                        .append('-').append(i).append("\",\"userId\":\"u").append(i % 13)
                        .append("\",\"type\":\"view\",\"text\":\"glass star frosted t-light holder\"}");
            }
            body.append(']');
            HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/events")).header("Content-Type", "application/json").header("X-API-Key", ShoalProcess.API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(202);
            accepted += Integer.parseInt(resp.body().replaceAll(".*\"accepted\":(\\d+).*", "$1"));
        }
        assertThat(accepted).isEqualTo(2000);
        assertThat(processedEvents()).as("nothing processed before SIGTERM").isZero();

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits after draining").isTrue();
        assertThat(processedEvents()).isEqualTo(accepted);
        assertThat(Files.readString(log)).contains("Drained 2000 in-flight events");
    }

    private long processedEvents() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, ShoalTestResources.REDIS_URL);
            Response r = redis.send(Request.cmd(Command.HGET).arg(prefix + "stats:pipeline").arg("events"))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            redis.close();
            return r == null ? 0 : r.toLong();
        } finally {
            vertx.close();
        }
    }

    private static boolean isUp(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
