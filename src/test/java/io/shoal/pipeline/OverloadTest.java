package io.shoal.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.shoal.store.RedisKeys;
import io.shoal.testing.Events;
import io.shoal.testing.GateStage;
import io.shoal.testing.ShoalTestResources;
import io.shoal.testing.Management;
import jakarta.inject.Inject;

/** Sustained overload: a stalled pipeline makes ingestion answer 503 with Retry-After, and it recovers. */
@QuarkusTest
@TestProfile(OverloadTest.SmallPipeline.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class OverloadTest {

    /** A small admission limit and small batches, so the buffers fill while the gate is closed. */
    public static class SmallPipeline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("shoal.ingest.max-in-flight", "400",
                    "shoal.pipeline.batch-size", "16",
                    "shoal.pipeline.batch-timeout", "5ms");
        }
    }

    @Inject
    GateStage gate;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    InFlightLimiter limiter;

    @AfterEach
    void openGate() {
        gate.open();
    }

    private long processed() {
        return processed(redis, keys);
    }

    /** Events the pipeline has applied so far (its stats hash). */
    static long processed(RedisDataSource redis, RedisKeys keys) {
        String v = redis.hash(String.class).hget(keys.pipelineStats(), "events");
        return v == null ? 0 : Long.parseLong(v);
    }

    @Test
    void saturationGives503WithRetryAfterThenEverythingAcceptedIsProcessed() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long before = processed();
        gate.close();
        int accepted = 0;
        Response saturated = null;
        // Far more than the 400 in-flight events allowed; the batch timer keeps firing while the stage is stalled.
        for (int i = 0; i < 60 && saturated == null; i++) {
            Response r = given().contentType(ContentType.JSON)
                    .body(Events.views("ov-" + run + "-" + i + "-", "ov-" + run + "-", 7, 25))
                    .post("/v1/events");
            if (r.statusCode() == 202) {
                accepted += r.jsonPath().getInt("accepted");
            } else {
                saturated = r;
            }
        }
        assertThat(saturated).as("a 503 once 400 events are in flight").isNotNull();
        assertThat(saturated.statusCode()).isEqualTo(503);
        assertThat(saturated.header("Retry-After")).isEqualTo("1");
        assertThat(saturated.jsonPath().getString("error")).contains("saturated");
        assertThat(accepted).isEqualTo(400);
        assertThat(limiter.inFlight()).isEqualTo(400);

        gate.open();
        int acceptedBeforeOpen = accepted;
        await().atMost(Duration.ofSeconds(20)).until(() -> processed() - before == acceptedBeforeOpen);
        assertThat(limiter.inFlight()).isZero();

        // The channel is alive: new events are accepted and processed.
        given().contentType(ContentType.JSON).body(Events.views("after-" + run + "-", "after-" + run, 1, 10))
                .post("/v1/events").then().statusCode(202).body("accepted", equalTo(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> processed() - before == acceptedBeforeOpen + 10);
    }

    @Test
    void smallRequestsWhileTheStageIsBusyAllWaitInTheLogAndAreApplied() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        long before = processed();
        gate.close();
        // A few events at a time with pauses longer than the 5 ms batch timeout (measured by Awaitility polling).
        int sent = 0;
        for (int round = 0; round < 5; round++) {
            given().contentType(ContentType.JSON).body(Events.views("t-" + run + "-" + round + "-", "t-" + run, 3, 5))
                    .post("/v1/events").then().statusCode(202);
            sent += 5;
            int expectedInFlight = sent;
            await().atMost(Duration.ofSeconds(5)).until(() -> limiter.inFlight() == expectedInFlight);
        }
        gate.open();
        int total = sent;
        await().atMost(Duration.ofSeconds(10)).until(() -> processed() - before == total);
        Management.given().when().get("/q/health/ready").then().statusCode(200).body(containsString("pipeline"));
    }
}
