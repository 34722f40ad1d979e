package io.shoal.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.RedisKeys;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;

/**
 * The real tracking clients against the running service: {@code @segment/analytics-node} and
 * {@code @rudderstack/rudder-sdk-node} (installed from npm into {@code src/test/node} when missing, at the versions
 * of its package-lock.json) send anonymous browsing, a page, an ignored event, identify, a search and an order;
 * Shoal's own query API then shows each known shopper segmented with the anonymous behaviour counted for it, and
 * every behaviour event arrived.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class TrackingClientsTest {

    static final Path NODE_DIR = Path.of("src", "test", "node");

    @TestHTTPResource("/")
    URL base;

    @Inject
    InFlightLimiter limiter;

    @Inject
    SegmentModelManager manager;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    ObjectMapper json;

    @Inject
    io.shoal.store.SegmentStore store;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void segmentAndRudderStackClientsAreUnderstoodAndIdentifiedShoppersKeepTheirAnonymousBehaviour()
            throws Exception {
        installClients();
        IdentityMergeTest.seedModel(store, limiter, manager);
        List<Map<String, Object>> shoppers = new ArrayList<>();
        for (String client : List.of("segment", "rudderstack")) {
            for (int s = 0; s < 2; s++) {
                int kind = s == 0 ? 1 : 0;
                List<String> browse = List.of(IdentityMergeTest.text(kind, 0), IdentityMergeTest.text(kind, 1),
                        IdentityMergeTest.text(kind, 2));
                shoppers.add(Map.of("client", client, "anonymousId", client + "-anon-" + s + "-" + run, "userId",
                        client + "-user-" + s + "-" + run, "browse", browse, "search", IdentityMergeTest.text(kind, 3),
                        "buy", List.of(IdentityMergeTest.text(kind, 4), IdentityMergeTest.text(kind, 5))));
            }
        }
        String base = "http://127.0.0.1:" + this.base.getPort();
        JsonNode summary = node(List.of("node", "send-with-clients.mjs"), json.writeValueAsString(Map.of("base",
                base, "writeKey", TrackingProfile.WRITE_KEY, "shoppers", shoppers)));
        assertThat(summary.get("errors")).as("the clients reported no error").isEmpty();
        assertThat(summary.get("sent").get("segment").intValue()).isEqualTo(2 * 8);
        assertThat(summary.get("sent").get("rudderstack").intValue()).isEqualTo(2 * 8);

        for (Map<String, Object> s : shoppers) {
            String userId = (String) s.get("userId");
            String anonymous = EventValidator.ANONYMOUS_PREFIX + s.get("anonymousId");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(limiter.inFlight()).isZero();
                assertThat(manager.idle()).isTrue();
                // Nothing dropped: 3 views under the anonymous id, then the search and 2 purchases under the known.
                assertThat(activity(anonymous)).as("%s activity", anonymous)
                        .containsEntry("view", "3").containsEntry("total", "3");
                assertThat(activity(userId)).as("%s activity", userId).containsEntry("search", "1")
                        .containsEntry("purchase", "2").containsEntry("total", "3");
                given().get("/v1/users/" + userId + "/segment").then().statusCode(200);
                // The anonymous shopper is the known one now: its id answers with the known shopper's segment.
                given().get("/v1/users/" + anonymous + "/segment").then().statusCode(200)
                        .body("userId", org.hamcrest.Matchers.is(userId));
                List<String> reasons = given().get("/v1/users/" + userId + "/history").then().statusCode(200)
                        .extract().jsonPath().getList("changes.reason");
                assertThat(reasons).as("the anonymous browsing's assignment is in the known shopper's history")
                        .hasSizeGreaterThanOrEqualTo(1);
            });
            assertThat(redis.value(String.class).get(keys.identityLink(anonymous))).isEqualTo(userId);
        }
        Management.given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("shoal_tracking_messages_total{call=\"page\",outcome=\"ignored\"}"))
                .body(org.hamcrest.Matchers.containsString("shoal_identity_merges_total{outcome=\"merged\"}"));
    }

    private Map<String, String> activity(String userId) {
        return redis.hash(String.class).hgetall(keys.userActivity(userId));
    }

    /** Installs the clients from npm (package-lock.json) when src/test/node has none yet. */
    static void installClients() throws IOException, InterruptedException {
        if (Files.isDirectory(NODE_DIR.resolve("node_modules/@segment/analytics-node"))
                && Files.isDirectory(NODE_DIR.resolve("node_modules/@rudderstack/rudder-sdk-node"))) {
            return;
        }
        Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(NODE_DIR.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("npm ci finished").isTrue();
        assertThat(p.exitValue()).as("npm ci in %s (Node.js 20 and the npm registry are needed):%n%s", NODE_DIR, out)
                .isZero();
    }

    private JsonNode node(List<String> command, String stdin) throws IOException, InterruptedException {
        File err = Files.createTempFile("shoal-clients", ".log").toFile();
        Process p = new ProcessBuilder(command).directory(NODE_DIR.toFile()).redirectError(err).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the clients finished").isTrue();
        String log = Files.readString(err.toPath());
        err.delete();
        assertThat(p.exitValue()).as("node %s: %s%n%s", command, out, log).isZero();
        return json.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
    }
}
