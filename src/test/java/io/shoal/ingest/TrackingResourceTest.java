package io.shoal.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;

/** The Segment-compatible endpoints' shapes, limits, answers and write keys, on the running service. */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class TrackingResourceTest {

    @Inject
    MeterRegistry registry;

    @Inject
    ObjectMapper json;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private Map<String, Object> viewed(String messageId, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "track");
        m.put("event", "Product Viewed");
        m.put("messageId", messageId);
        m.put("userId", "t-" + run);
        m.put("properties", Map.of("name", name));
        return m;
    }

    @Test
    void aKnownWriteKeyIsRequiredAsTheBasicUsernameOrInTheBody() {
        Map<String, Object> body = Map.of("batch", List.of(viewed(run + "-1", "Tin")));
        given().contentType(ContentType.JSON).body(body).post("/v1/batch").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic")).body("success", is(false))
                .body("message", containsString("write key"));
        given().auth().preemptive().basic("wrong", "").contentType(ContentType.JSON).body(body).post("/v1/batch")
                .then().statusCode(401);
        given().auth().preemptive().basic("another-key", "").contentType(ContentType.JSON).body(body)
                .post("/v1/batch").then().statusCode(200).body("success", is(true));
        Map<String, Object> keyed = new LinkedHashMap<>(viewed(run + "-2", "Mug"));
        keyed.put("writeKey", TrackingProfile.WRITE_KEY);
        given().contentType(ContentType.JSON).body(keyed).post("/v1/track").then().statusCode(200)
                .body("accepted", is(1));
    }

    @Test
    void aBatchIsAcceptedWhileItsBadMessagesAreNamedAndUnknownEventsIgnored() {
        double ignoredBefore = registry.counter("shoal.tracking.messages", "call", "track", "outcome", "ignored")
                .count();
        List<Object> batch = new ArrayList<>();
        batch.add(viewed(run + "-a", "Cake tin"));
        batch.add(Map.of("type", "track", "event", "Checkout Started", "userId", "t-" + run));
        batch.add(Map.of("type", "track", "event", "Product Viewed", "properties", Map.of("name", "x")));
        batch.add(viewed(run + "-b", "y".repeat(2_001)));
        batch.add(Map.of("type", "page", "anonymousId", "p-" + run, "name", "Home"));

        IdentityMergeTest.track(Map.of("batch", batch, "sentAt", "2026-12-02T10:00:00Z"), "/v1/batch").then()
                .statusCode(200).body("success", is(true)).body("accepted", is(1)).body("ignored", is(2))
                .body("rejected", hasSize(2))
                .body("rejected[0].index", is(2)).body("rejected[0].field", is("userId"))
                .body("rejected[1].index", is(3)).body("rejected[1].field", is("properties.name"))
                .body("rejected[1].message", containsString("properties.name must be at most 2000 characters"));
        assertThat(registry.counter("shoal.tracking.messages", "call", "track", "outcome", "ignored").count())
                .isEqualTo(ignoredBefore + 1);

        IdentityMergeTest.track(Map.of("batch", List.of(viewed(run + "-a", "Cake tin"))), "/v1/batch").then()
                .statusCode(200).body("accepted", is(0)).body("duplicates", is(1));
    }

    @Test
    void malformedOrUnusableRequestsAre400() {
        given().auth().preemptive().basic(TrackingProfile.WRITE_KEY, "").contentType(ContentType.JSON)
                .body("{not json").post("/v1/batch").then().statusCode(400).body("success", is(false))
                .body("message", containsString("JSON"));
        IdentityMergeTest.track(Map.of("events", List.of()), "/v1/batch").then().statusCode(400)
                .body("message", containsString("batch"));
        IdentityMergeTest.track(Map.of("batch", List.of(Map.of("type", "track", "userId", "u"))), "/v1/batch")
                .then().statusCode(400).body("success", is(false)).body("rejected[0].field", is("event"));
        IdentityMergeTest.track(Map.of("event", "Product Viewed", "properties", Map.of("name", "x")), "/v1/track")
                .then().statusCode(400).body("rejected[0].field", is("userId"));
    }

    @Test
    void theSizeLimitsAreSegments() {
        String big = "z".repeat(33 * 1024);
        Map<String, Object> huge = new LinkedHashMap<>(viewed(run + "-h", "Tin"));
        huge.put("context", Map.of("padding", big));
        IdentityMergeTest.track(Map.of("batch", List.of(viewed(run + "-s", "Jar"), huge)), "/v1/batch").then()
                .statusCode(200).body("accepted", is(1)).body("rejected[0].field", is("batch[1]"))
                .body("rejected[0].message", containsString("32 KB"));
        IdentityMergeTest.track(huge, "/v1/track").then().statusCode(400).body("message", containsString("32 KB"));
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Map<String, Object> m = new LinkedHashMap<>(viewed(run + "-m" + i, "Tin"));
            m.put("context", Map.of("padding", "p".repeat(32 * 1024)));
            many.add(m);
        }
        IdentityMergeTest.track(Map.of("batch", many), "/v1/batch").then().statusCode(400)
                .body("message", containsString("500 KB")).body("accepted", nullValue());
    }

    @Test
    void gzipBodiesAreInflatedAsRudderStackSendsThem() throws IOException {
        byte[] plain = json.writeValueAsBytes(Map.of("batch", List.of(viewed(run + "-g", "Teapot"))));
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(plain);
        }
        given().auth().preemptive().basic(TrackingProfile.WRITE_KEY, "").contentType(ContentType.JSON)
                .header("Content-Encoding", "gzip").body(zipped.toByteArray()).post("/v1/batch").then()
                .statusCode(200).body("accepted", is(1));
        // The inflated size counts: a small compressed body that inflates past 500 KB is refused.
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            gz.write(("{\"batch\":[],\"pad\":\"" + "0".repeat(600 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(bomb.size()).isLessThan(8 * 1024);
        given().auth().preemptive().basic(TrackingProfile.WRITE_KEY, "").contentType(ContentType.JSON)
                .header("Content-Encoding", "gzip").body(bomb.toByteArray()).post("/v1/batch").then()
                .statusCode(400).body("message", containsString("500 KB"));
        // Past quarkus.http.limits.max-body-size inflated, it is refused while inflating (no zip bomb is held).
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(huge)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 16; i++) {
                gz.write(zeros);
            }
        }
        assertThat(huge.size()).isLessThan(64 * 1024);
        given().auth().preemptive().basic(TrackingProfile.WRITE_KEY, "").contentType(ContentType.JSON)
                .header("Content-Encoding", "gzip").body(huge.toByteArray()).post("/v1/batch").then()
                .statusCode(413);
    }

    @Test
    void everyCallHasItsEndpoint() {
        for (String call : List.of("identify", "page", "screen", "group")) {
            IdentityMergeTest.track(Map.of("userId", "t-" + run, "messageId", run + "-" + call), "/v1/" + call)
                    .then().statusCode(200).body("success", is(true)).body("ignored", is(1));
        }
        IdentityMergeTest.track(Map.of("userId", "t-" + run, "previousId", "t-old-" + run), "/v1/alias").then()
                .statusCode(200).body("accepted", is(2));
        Management.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItem("/v1/batch"));
    }
}
