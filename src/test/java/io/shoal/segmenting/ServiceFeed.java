package io.shoal.segmenting;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.shoal.pipeline.InFlightLimiter;

/**
 * Feeds the running service one micro-batch at a time (a request of batch-size events closes one batch) and waits
 * until it is applied and no seed, refit or sweep runs, so batch boundaries are deterministic.
 */
final class ServiceFeed {

    private ServiceFeed() {
    }

    static void post(List<Map<String, Object>> events) {
        given().contentType(ContentType.JSON).body(events).post("/v1/events").then().statusCode(202);
    }

    static void awaitQuiet(InFlightLimiter limiter, SegmentModelManager manager) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> limiter.inFlight() == 0 && manager.idle());
    }
}
