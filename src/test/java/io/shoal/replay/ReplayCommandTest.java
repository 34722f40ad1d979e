package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The whole command against a stand-in service on 127.0.0.1 (JDK HttpServer) that answers as README's ingestion
 * contract says, deduplicating event ids like the real one. Backoff waits go to a fake clock, so nothing waits.
 */
class ReplayCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<List<String>> acceptedBatches = new CopyOnWriteArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final FakeReplayClock clock = new FakeReplayClock();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Serves POST /v1/events; {@code special} may answer request n (1-based) itself, or return null. */
    private String start(Function<Integer, Answer> special) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/v1/events", exchange -> {
            int n = requests.incrementAndGet();
            JsonNode events = JSON.readTree(exchange.getRequestBody());
            Answer answer = special.apply(n);
            if (answer == null) {
                answer = dedup(events);
            }
            answer.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            respond(exchange, answer.status, answer.body);
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Answer(int status, String body, Map<String, String> headers) {
    }

    private Answer dedup(JsonNode events) {
        List<String> ids = new ArrayList<>();
        int duplicates = 0;
        for (JsonNode e : events) {
            String id = e.get("eventId").asText();
            if (seen.add(id)) {
                ids.add(id);
            } else {
                duplicates++;
            }
        }
        acceptedBatches.add(ids);
        return new Answer(202, "{\"accepted\":" + ids.size() + ",\"duplicates\":" + duplicates
                + ",\"rejected\":[]}", Map.of());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private int replay(String... args) {
        return new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, HttpBatchSender.defaultClient(), clock)
                .run(args);
    }

    private static String fixture(String name) throws URISyntaxException {
        return Path.of(ReplayCommandTest.class.getResource("/replay/" + name).toURI()).toString();
    }

    @Test
    void resendsTheSameBatchAfter503AndDeliversEveryEventExactlyOnce() throws Exception {
        String url = start(n -> n <= 2 ? new Answer(503, "{\"error\":\"saturated\",\"retryAfterSeconds\":0}",
                Map.of("Retry-After", "0")) : null);
        Path summary = tmp.resolve("summary.json");

        int exit = replay(fixture("online-retail-sample.csv"), "--url", url, "--batch", "10", "--concurrency", "2",
                "--summary-json", summary.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<String> expectedIds = OnlineRetailMapperTest.mapFixture().values().stream()
                .filter(r -> !r.isSkipped()).map(r -> r.event().eventId()).toList();
        assertThat(acceptedBatches.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(expectedIds);
        assertThat(acceptedBatches).extracting(List::size).containsExactlyInAnyOrder(10, 10, 7);
        assertThat(requests).hasValue(5);
        // Retry-After: 0 was honoured: the two resends waited only the jitter, under a tenth of 100 ms.
        assertThat(clock.sleeps).hasSize(2).allSatisfy(s -> assertThat(s).isBetween(0L, 10_000_000L));

        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("completed").asBoolean()).isTrue();
        assertThat(s.get("exitCode").asInt()).isZero();
        assertThat(s.get("format").asText()).isEqualTo("online-retail");
        assertThat(s.get("url").asText()).isEqualTo(url + "/v1/events");
        assertThat(s.get("linesRead").asLong()).isEqualTo(32);
        assertThat(s.get("eventsSent").asLong()).isEqualTo(27);
        assertThat(s.get("accepted").asLong()).isEqualTo(27);
        assertThat(s.get("duplicates").asLong()).isZero();
        assertThat(s.get("rejected").asLong()).isZero();
        assertThat(s.get("skipped").asLong()).isEqualTo(5);
        assertThat(s.get("skippedByReason").get("missing-customer-id").asLong()).isEqualTo(5);
        assertThat(s.get("requests").asLong()).isEqualTo(5);
        assertThat(s.get("retries").asLong()).isEqualTo(2);
        assertThat(s.get("latencyMs").get("p50").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(s.has("latencyMs") && s.get("latencyMs").has("p95") && s.get("latencyMs").has("p99")).isTrue();
        assertThat(out.toString()).contains("replay done", "accepted       27", "missing-customer-id 5");
    }

    @Test
    void aSecondRunSendsOnlyDuplicates() throws Exception {
        String url = start(n -> null);
        replay(fixture("complete-journey/transactions_sample.csv"), "--url", url, "--batch", "1000");
        out.reset();
        Path summary = tmp.resolve("again.json");

        int exit = replay(fixture("complete-journey/transactions_sample.csv"), "--url", url, "--summary-json",
                summary.toString());

        assertThat(exit).isZero();
        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("format").asText()).isEqualTo("complete-journey");
        assertThat(s.get("eventsSent").asLong()).isEqualTo(27);
        assertThat(s.get("duplicates").asLong()).isEqualTo(27);
        assertThat(s.get("accepted").asLong()).isZero();
        assertThat(s.get("skippedByReason").get("unknown-product").asLong()).isEqualTo(1);
    }

    @Test
    void rejectedEventsAreCountedWithTheirMessagesAndTheReplayGoesOn() throws Exception {
        String url = start(n -> n == 1 ? new Answer(400, """
                {"accepted":0,"duplicates":0,"rejected":[
                  {"index":0,"field":"price","message":"price must be a number >= 0 but was -1"},
                  {"index":1,"field":"body","message":"no valid event"}]}""", Map.of()) : null);
        Path summary = tmp.resolve("summary.json");

        int exit = replay(fixture("online-retail-sample.csv"), "--url", url, "--batch", "10", "--concurrency", "1",
                "--summary-json", summary.toString());

        assertThat(exit).isZero();
        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("rejected").asLong()).isEqualTo(10);
        assertThat(s.get("accepted").asLong()).isEqualTo(17);
        assertThat(s.get("eventsSent").asLong()).isEqualTo(27);
        assertThat(s.get("rejectedMessages").get(0).asText())
                .isEqualTo("or-2-6178729d: price: price must be a number >= 0 but was -1");
        assertThat(acceptedBatches).extracting(List::size).containsExactly(10, 7);
    }

    @Test
    void aRequestTooLargeRejectsItsWholeBatch() throws Exception {
        String url = start(n -> n == 1 ? new Answer(413, "{\"error\":\"a request may carry at most 5 events but had 10\","
                + "\"retryAfterSeconds\":null}", Map.of()) : null);
        Path summary = tmp.resolve("summary.json");

        replay(fixture("online-retail-sample.csv"), "--url", url, "--batch", "10", "--concurrency", "1",
                "--summary-json", summary.toString());

        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("rejected").asLong()).isEqualTo(10);
        assertThat(s.get("rejectedMessages").get(0).asText())
                .isEqualTo("HTTP 413: a request may carry at most 5 events but had 10");
    }

    @Test
    void aServerErrorIsRetriedWithExponentialBackoff() throws Exception {
        String url = start(n -> n == 1 ? new Answer(500, "{\"error\":\"boom\"}", Map.of()) : null);

        int exit = replay(fixture("online-retail-sample.csv"), "--url", url, "--concurrency", "1");

        assertThat(exit).isZero();
        assertThat(acceptedBatches).extracting(List::size).containsExactly(27);
        // First backoff step without Retry-After: 50..100 ms.
        assertThat(clock.sleeps).singleElement().satisfies(s -> assertThat(s).isBetween(50_000_000L, 100_000_000L));
    }

    @Test
    void aServerThatKeepsFailingStopsTheReplayWithExit1() throws Exception {
        String url = start(n -> new Answer(500, "{\"error\":\"boom\"}", Map.of()));
        Path summary = tmp.resolve("summary.json");

        int exit = replay(fixture("online-retail-sample.csv"), "--url", url, "--summary-json", summary.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(requests).hasValue(HttpBatchSender.MAX_FAILED_ATTEMPTS);
        assertThat(err.toString()).contains("gave up on a batch of 27 events: HTTP 500");
        assertThat(JSON.readTree(summary.toFile()).get("completed").asBoolean()).isFalse();
    }

    @Test
    void connectionRefusedExitsWith2AndNamesTheUrl() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path summary = tmp.resolve("summary.json");

        int exit = replay(fixture("online-retail-sample.csv"), "--url", "http://127.0.0.1:" + port,
                "--summary-json", summary.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("cannot connect to the Shoal service at http://127.0.0.1:" + port
                + "/v1/events", "./shoal serve");
        JsonNode s = JSON.readTree(summary.toFile());
        assertThat(s.get("completed").asBoolean()).isFalse();
        assertThat(s.get("exitCode").asInt()).isEqualTo(2);
        assertThat(s.get("eventsSent").asLong()).isZero();
    }

    @Test
    void badCommandLinesExitWith64AndNameTheOption() throws Exception {
        assertThat(replay(fixture("online-retail-sample.csv"), "--batch", "5000")).isEqualTo(64);
        assertThat(err.toString()).contains("--batch must be an integer in [1, 1000] but was 5000");
        assertThat(replay("--help")).isZero();
        assertThat(out.toString()).contains("Usage: ./shoal replay FILE");
    }

    @Test
    void progressLinesGoToStderr() throws Exception {
        String url = start(n -> null);
        replay(fixture("online-retail-sample.csv"), "--url", url);
        // Non-terminal progress comes every 5 s; a replay this short prints none, only the summary on stdout.
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("events sent    27");
    }
}
