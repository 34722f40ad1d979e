package io.shoal.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.shoal.store.RedisKeys;
import io.shoal.testing.Activity;
import io.shoal.testing.Events;
import io.shoal.testing.PoisonStage;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;
import jakarta.inject.Inject;

/**
 * Poison isolation on the real pipeline: one event that makes its batch fail (with Redis and PostgreSQL up) is split
 * out, its 20 batch-mates are applied, it lands in dead_letter with its error, and a replay after the fix applies it.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class DeadLetterTest {

    @Inject
    PoisonStage poison;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL url;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @AfterEach
    void cure() {
        poison.cure();
    }

    private String activity(String user) {
        return Activity.counted(redis, keys, user);
    }

    private boolean hasState(String user) {
        return redis.key().exists(keys.userProfile(user));
    }

    @Test
    void onePoisonedEventIsIsolatedItsBatchMatesAreAppliedAndReplayAppliesItAfterTheFix() {
        poison.poison();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> body = new ArrayList<>();
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            String user = "dl-" + run + "-" + i;
            if (i == 10) {
                body.add(Events.view("dl-e-" + run + "-" + i, user, "Red mug " + PoisonStage.MARK));
            } else {
                body.add(Events.view("dl-e-" + run + "-" + i, user, "Set of 3 cake tins"));
                good.add(user);
            }
        }
        String bad = "dl-" + run + "-10";
        given().contentType(ContentType.JSON).body(body).post("/v1/events").then().statusCode(202)
                .body("accepted", equalTo(21));

        await().atMost(Duration.ofSeconds(60)).until(() -> good.stream().allMatch(this::hasState));
        JsonPath letters = await().atMost(Duration.ofSeconds(30)).until(
                () -> given().get("/v1/dead-letters?limit=1000").then().statusCode(200).extract().jsonPath(),
                j -> j.getList("deadLetters.userId").contains(bad));
        assertThat(letters.getList("deadLetters.userId")).doesNotContainAnyElementsOf(good);
        int index = letters.getList("deadLetters.userId").indexOf(bad);
        assertThat(letters.getString("deadLetters[" + index + "].error")).contains("test poison");
        assertThat(letters.getString("deadLetters[" + index + "].eventId")).isEqualTo("dl-e-" + run + "-10");
        long id = letters.getLong("deadLetters[" + index + "].id");
        assertThat(hasState(bad)).isFalse();
        assertThat(activity(bad)).as("a dead letter has no effect at all").isNull();
        assertThat(good).allMatch(u -> "1".equals(activity(u)));
        assertThat(Management.given().get("/q/metrics").asString()).containsPattern(
                "shoal_pipeline_events_total\\{.*outcome=\"dead-lettered\".*\\} [1-9]");
        int openBefore = openListed();
        assertThat(openBefore).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> openGauge() == openBefore);

        // The operator's command lists it.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = io.shoal.replay.DeadLettersCommand.run(new String[] {"list", "--limit", "1000", "--url", url.toString()},
                new java.io.PrintStream(out, true), new java.io.PrintStream(err, true),
                java.net.http.HttpClient.newHttpClient());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("user=" + bad).contains("test poison");

        // The fix is deployed: the replay hands it back (its dedup mark was removed) and it is applied.
        poison.cure();
        given().contentType(ContentType.JSON).body(Map.of("ids", List.of(id))).post("/v1/dead-letters/replay")
                .then().statusCode(200).body("replayed", equalTo(1)).body("replayedIds", equalTo(List.of((int) id)));
        await().atMost(Duration.ofSeconds(30)).until(() -> hasState(bad) && "1".equals(activity(bad)));
        JsonPath after = given().get("/v1/dead-letters?open=false&limit=1000").then().statusCode(200).extract()
                .jsonPath();
        assertThat(after.getList("deadLetters.id", Long.class)).contains(id);
        int at = after.getList("deadLetters.id", Long.class).indexOf(id);
        assertThat(after.getString("deadLetters[" + at + "].replayedAt")).isNotNull();
        assertThat(openListed()).isEqualTo(openBefore - 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> openGauge() == openBefore - 1);
    }

    /** Open dead letters as the API lists them. */
    private static int openListed() {
        return given().get("/v1/dead-letters?limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("deadLetters").size();
    }

    /** shoal_dead_letters_open as the service exports it. */
    private static long openGauge() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^shoal_dead_letters_open(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(Management.given().get("/q/metrics").asString());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void theCommandExplainsItsUsageAndAnUnreachableService() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream e = new java.io.PrintStream(err, true);
        java.io.PrintStream o = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true);
        assertThat(io.shoal.replay.DeadLettersCommand.run(new String[] {"bogus"}, o, e,
                java.net.http.HttpClient.newHttpClient())).isEqualTo(64);
        assertThat(err.toString()).contains("usage: ./shoal dead-letters");
        assertThat(io.shoal.replay.DeadLettersCommand.run(new String[] {"list", "--url", "http://127.0.0.1:9"}, o, e,
                java.net.http.HttpClient.newHttpClient())).isEqualTo(69);
        assertThat(err.toString()).contains("cannot reach the service");
    }

    @Test
    void anEventLogEntryThatIsNoEventIsDeadLetteredNotDropped() {
        String garbage = "{not an event " + UUID.randomUUID();
        String id = redis.stream(String.class).xadd(keys.eventLog(), Map.of("e", garbage));
        JsonPath letters = await().atMost(Duration.ofSeconds(30)).until(
                () -> given().get("/v1/dead-letters?limit=1000").then().statusCode(200).extract().jsonPath(),
                j -> j.getList("deadLetters.event").contains(garbage));
        int at = letters.getList("deadLetters.event").indexOf(garbage);
        assertThat(letters.getString("deadLetters[" + at + "].eventId")).isEqualTo("log-" + id);
        assertThat(letters.getString("deadLetters[" + at + "].error")).contains("not a readable event");
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(keys.eventLog()) == 0);
    }

    @Test
    void listingChecksItsLimit() {
        given().get("/v1/dead-letters?limit=0").then().statusCode(400).body("rejected[0].field", equalTo("limit"));
        given().get("/v1/dead-letters?limit=5000").then().statusCode(400);
    }
}
