package io.shoal.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.shoal.inference.EmbeddingService;
import io.shoal.inference.InferenceWorkers;
import io.shoal.inference.SentenceModelService;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.shoal.store.EventLog;
import io.shoal.store.RedisKeys;
import io.shoal.testing.Activity;
import io.shoal.testing.Events;
import io.shoal.testing.Management;
import io.shoal.testing.ShoalTestResources;
import jakarta.inject.Inject;

/**
 * Issue 13, "cold texts do not block warm ones", on the real pipeline (Redis event log, real model): while the model
 * cannot run (every inference thread is taken), a shopper's event with a text nobody embedded yet waits beside the log
 * with that shopper's later event, and another shopper's event from the same request is applied at once; once the
 * model runs again, the waiting shopper's events are applied, in their order.
 */
@QuarkusTest
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class ColdTextWaitTest {

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    EmbeddingService embeddings;

    @Inject
    InferenceWorkers workers;

    @Inject
    SentenceModelService model;

    private String counted(String user) {
        return Activity.counted(redis, keys, user);
    }

    private double waitingGauge() {
        String metrics = Management.given().get("/q/metrics").asString();
        return metrics.lines().filter(l -> l.startsWith("shoal_pipeline_cold_waiting "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }

    @Test
    void anotherShoppersWarmEventIsAppliedWhileAColdTextWaitsForTheModelAndTheWaitingShopperKeepsItsOrder()
            throws InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String warmText = "set of 3 cake tins pantry design " + run;
        String coldText = "never embedded enamel flower jug " + run;
        await().atMost(Duration.ofSeconds(120)).until(model::isReady);
        // The warm text is in the cache before the model is taken away.
        embeddings.embed(List.of(warmText)).await().atMost(Duration.ofSeconds(120));

        ThreadPoolExecutor pool = (ThreadPoolExecutor) workers.executor();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch taken = new CountDownLatch(pool.getMaximumPoolSize());
        for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
            pool.execute(() -> {
                taken.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        String cold = "cold-" + run;
        String warm = "warm-" + run;
        try {
            assertThat(taken.await(10, TimeUnit.SECONDS)).as("every inference thread taken").isTrue();
            List<Object> body = new ArrayList<>();
            body.add(Events.view("c1-" + run, cold, coldText));
            body.add(Events.view("c2-" + run, cold, warmText));
            body.add(Events.view("w1-" + run, warm, warmText));
            given().contentType(ContentType.JSON).body(body).post("/v1/events").then().statusCode(202)
                    .body("accepted", equalTo(3));

            await().atMost(Duration.ofSeconds(20)).until(() -> "1".equals(counted(warm)));
            assertThat(redis.key().exists(keys.userProfile(warm))).isTrue();
            // The model has not run: the cold shopper's events, the warm second one too, are untouched.
            assertThat(counted(cold)).isNull();
            assertThat(redis.key().exists(keys.userProfile(cold))).isFalse();
            assertThat(waitingGauge()).isEqualTo(2.0);
            // They wait unacknowledged: the request's entry stays in the log, pending for the consumer, until its
            // last event is applied (the warm one already was), so a crash now loses nothing.
            List<String> logged = redis.stream(String.class).xrange(keys.eventLog(), StreamRange.of("-", "+"))
                    .stream().map(m -> m.payload().get(EventLog.EVENT_FIELD)).toList();
            assertThat(logged).anyMatch(e -> e.contains("c1-" + run) && e.contains("c2-" + run)
                    && e.contains("w1-" + run));
            assertThat(redis.stream(String.class).xpending(keys.eventLog(), EventLog.GROUP).getPendingCount())
                    .isGreaterThanOrEqualTo(1);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> counted(cold) != null
                && redis.key().exists(keys.userProfile(cold)));
        // Applied in order: the activity counter skips an event at or below the shopper's last counted position, so
        // the second event applied before the first would have left the count at 1.
        await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(counted(cold)));
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingGauge() == 0.0);
        // Its last event applied, the entry is acknowledged and deleted.
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.stream(String.class).xlen(keys.eventLog()) == 0);
        assertThat(Management.given().get("/q/metrics").asString())
                .containsPattern("shoal_pipeline_cold_waits_total [1-9]");
    }
}
