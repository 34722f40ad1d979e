package io.shoal.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.shoal.query.grpc.GetUserHistoryRequest;
import io.shoal.query.grpc.GetUserSegmentRequest;
import io.shoal.query.grpc.SegmentServiceGrpc.SegmentServiceBlockingStub;
import io.shoal.store.RedisKeys;
import io.shoal.testing.ShoalTestResources;
import jakarta.inject.Inject;

/**
 * A bounded fuzzer of the public surface, seeded so a failure repeats: thousands of request bodies (valid events,
 * broken JSON, wrong types, extreme numbers, huge strings, odd Unicode, mixed arrays) to {@code POST /v1/events},
 * and odd ids, instants and pages to the REST and gRPC queries. Never a 5xx (an INTERNAL or UNKNOWN status for
 * gRPC); every valid event of a mixed request is accepted and applied, and no invalid one is.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class IngestFuzzTest {

    static final long SEED = 20261201L;
    static final int BODIES = 2500;
    static final String SPECIAL = "%/?#:\\\"'{}[]<>&=";

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @GrpcClient("segments")
    SegmentServiceBlockingStub segments;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Random random = new Random(SEED);
    private int serial;

    /** A JSON element and whether it is a valid event (then its user is fresh and must see exactly one event). */
    record Element(String json, String validUser) {
    }

    @Test
    void randomBodiesNeverGetA5xxAndEveryValidEventOfAMixedRequestIsApplied() {
        List<String> validUsers = new ArrayList<>();
        for (int b = 0; b < BODIES; b++) {
            String body;
            List<String> valid = new ArrayList<>();
            int shape = random.nextInt(10);
            if (shape < 6) {
                // A mixed array of valid and invalid events.
                List<String> parts = new ArrayList<>();
                int n = 1 + random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    Element e = random.nextInt(3) == 0 ? valid() : invalid();
                    parts.add(e.json());
                    if (e.validUser() != null) {
                        valid.add(e.validUser());
                    }
                }
                body = "[" + String.join(",", parts) + "]";
            } else if (shape == 6) {
                body = truncated(valid().json());
            } else if (shape == 7) {
                body = junk();
            } else if (shape == 8) {
                Element e = valid();
                body = e.json();
                valid.add(e.validUser());
            } else {
                body = invalid().json();
            }
            Response r = given().contentType(ContentType.JSON).body(body.getBytes(StandardCharsets.UTF_8))
                    .post("/v1/events");
            assertThat(r.statusCode()).as("answer to %s", abbreviated(body)).isIn(202, 400, 413);
            if (r.statusCode() == 202) {
                assertThat(r.jsonPath().getInt("accepted")).as("accepted of %s", abbreviated(body))
                        .isEqualTo(valid.size());
            } else {
                assertThat(valid).as("valid events in a refused body %s", abbreviated(body)).isEmpty();
            }
            validUsers.addAll(valid);
        }
        assertThat(validUsers).hasSizeGreaterThan(500);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> validUsers.stream().allMatch(u -> "1".equals(
                        redis.hash(String.class).hget(keys.userActivity(u), "total"))));
    }

    @Test
    void oddIdsInstantsAndPagesNeverGetA5xxFromTheQueries() {
        for (int i = 0; i < 400; i++) {
            String id = oddString();
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
            if (encoded.isEmpty()) {
                encoded = "%00";
            }
            String query = "?asOf=" + URLEncoder.encode(oddString(), StandardCharsets.UTF_8) + "&page="
                    + URLEncoder.encode(number(), StandardCharsets.UTF_8) + "&size="
                    + URLEncoder.encode(number(), StandardCharsets.UTF_8);
            for (String path : List.of("/v1/users/" + encoded + "/segment", "/v1/users/" + encoded + "/history" + query,
                    "/v1/segments?includeRetired=" + encoded)) {
                int status = given().urlEncodingEnabled(false).get(path).statusCode();
                assertThat(status).as("GET %s", path).isLessThan(500);
            }
            for (Runnable call : List.<Runnable> of(
                    () -> segments.getUserSegment(GetUserSegmentRequest.newBuilder().setUserId(id).build()),
                    () -> segments.getUserHistory(GetUserHistoryRequest.newBuilder().setUserId(id)
                            .setPage(random.nextInt()).setPageSize(random.nextInt())
                            .setAsOf(Timestamp.newBuilder().setSeconds(random.nextLong()).setNanos(random.nextInt()))
                            .build()))) {
                try {
                    call.run();
                } catch (StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).as("gRPC status for id %s", abbreviated(id))
                            .isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN);
                }
            }
        }
    }

    private Element valid() {
        String user = "fz-" + run + "-" + serial++;
        String type = List.of("view", "search", "cart", "purchase").get(random.nextInt(4));
        StringBuilder json = new StringBuilder("{\"eventId\":\"e-").append(serial).append("\",\"userId\":\"")
                .append(user).append("\",\"type\":\"").append(type).append("\",\"text\":")
                .append(quote(niceText()));
        if (random.nextBoolean()) {
            json.append(",\"price\":").append(random.nextInt(100_000) / 100.0);
        }
        if (random.nextBoolean()) {
            json.append(",\"quantity\":").append(random.nextInt(50));
        }
        if (random.nextBoolean()) {
            json.append(",\"occurredAt\":\"2011-0").append(1 + random.nextInt(9)).append("-1").append(random.nextInt(10))
                    .append("T10:00:00Z\"");
        }
        if (random.nextBoolean()) {
            json.append(",\"unknownField\":").append(quote(oddString()));
        }
        return new Element(json.append('}').toString(), user);
    }

    /** An event that is certainly invalid: one field broken in a way the contract refuses. */
    private Element invalid() {
        String user = "fz-bad-" + run + "-" + serial++;
        String base = "\"eventId\":\"b-" + serial + "\",\"type\":\"view\",\"text\":\"red mug\"";
        String json = switch (random.nextInt(14)) {
            case 0 -> "{" + base + "}"; // no userId
            case 1 -> "{\"userId\":" + random.nextInt() + "," + base + "}";
            case 2 -> "{\"userId\":" + quote(user) + ",\"type\":" + quote(oddString()) + ",\"text\":\"x\"}";
            case 3 -> "{\"userId\":" + quote(user) + "," + base + ",\"occurredAt\":" + quote(oddString()) + "}";
            case 4 -> "{\"userId\":" + quote(user) + "," + base + ",\"price\":-" + (1 + random.nextInt(99)) + "}";
            case 5 -> "{\"userId\":" + quote(user) + "," + base + ",\"quantity\":1e300}";
            case 6 -> "{\"userId\":\"a\\u0000" + user + "\"," + base + "}";
            case 7 -> "{\"userId\":\"\\ud800" + user + "\"," + base + "}";
            case 8 -> "{\"userId\":" + quote(user) + ",\"eventId\":\"" + "e".repeat(129)
                    + "\",\"type\":\"view\",\"text\":\"x\"}";
            case 9 -> "{\"userId\":" + quote(user) + ",\"type\":\"view\",\"text\":\"" + "t".repeat(2001) + "\"}";
            case 10 -> "{\"userId\":" + quote(user) + "," + base + ",\"occurredAt\":\"0001-01-01T00:00:00Z\"}";
            case 11 -> "[" + random.nextInt() + "]";
            case 12 -> "{\"userId\":" + quote(user) + ",\"type\":\"view\",\"text\":{\"nested\":[1,2,{}]}}";
            default -> random.nextBoolean() ? "null" : quote(oddString());
        };
        return new Element(json, null);
    }

    private String niceText() {
        List<String> words = List.of("red", "mug", "\u00e9t\u00e9", "\u5927\u7ea2\u888d", "\ud83d\ude00",
                "\u05e9\u05dc\u05d5\u05dd", "e\u0301", "\u00a0spaced", "tab\there", "line\nbreak");
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
        }
        return s.toString();
    }

    private String oddString() {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(5) == 0 ? 200 + random.nextInt(300) : random.nextInt(12);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(8);
            char c = switch (kind) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> (char) (0xD800 + random.nextInt(0x800));
                case 2 -> (char) (0x7F + random.nextInt(0x21));
                case 3 -> SPECIAL.charAt(random.nextInt(SPECIAL.length()));
                case 4 -> (char) (0xFFF0 + random.nextInt(16));
                default -> (char) ('a' + random.nextInt(26));
            };
            s.append(c);
        }
        return s.toString();
    }

    private String number() {
        return switch (random.nextInt(7)) {
            case 0 -> "1e400";
            case 1 -> "-0";
            case 2 -> Long.toString(random.nextLong());
            case 3 -> "99999999999999999999999999";
            case 4 -> "NaN";
            case 5 -> Integer.toString(random.nextInt(1000) - 500);
            default -> "0.5";
        };
    }

    private String truncated(String json) {
        return json.substring(0, Math.max(1, random.nextInt(json.length())));
    }

    private String junk() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "[]";
            case 2 -> "[" + "[".repeat(2000) + "]".repeat(2000) + "]";
            case 3 -> "{\"userId\":\"" + "x".repeat(200_000) + "\"}";
            case 4 -> "\u0000\u0001garbage";
            default -> "[" + "{},".repeat(1500) + "{}]";
        };
    }

    /** A JSON string literal; lone surrogates are written as \\u escapes so they reach the parser as they are. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c >= 0xFFF0) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String abbreviated(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
