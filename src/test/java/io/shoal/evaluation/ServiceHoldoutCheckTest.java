package io.shoal.evaluation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.URL;
import java.net.http.HttpClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.shoal.event.EventType;
import io.shoal.ingest.IdentityMergeTest;
import io.shoal.ingest.TrackingProfile;
import io.shoal.pipeline.InFlightLimiter;
import io.shoal.recommendation.Strategy;
import io.shoal.replay.DatasetFormat;
import io.shoal.segmenting.SegmentModelManager;
import io.shoal.store.SegmentStore;
import io.shoal.testing.ShoalTestResources;

/**
 * {@code ./shoal rec-check}'s client against the real service (HTTP, pipeline, Redis): purchases before a cutoff go
 * in through /v1/events, and the lists the API gives are scored on each customer's first basket after it by the
 * evaluation's own protocol and tally, non-products left out of the lists as the protocol leaves them out.
 */
@QuarkusTest
@TestProfile(TrackingProfile.class)
@WithTestResource(value = ShoalTestResources.class, scope = TestResourceScope.GLOBAL)
class ServiceHoldoutCheckTest {

    @Inject
    SegmentStore store;

    @Inject
    SegmentModelManager manager;

    @Inject
    InFlightLimiter limiter;

    @TestHTTPResource("/")
    URL service;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void theServicesListsAreScoredOnEachCustomersFirstBasketAfterTheCutoff() throws Exception {
        IdentityMergeTest.seedModel(store, limiter, manager);
        Instant day = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        long cutoff = day.plus(10, ChronoUnit.DAYS).toEpochMilli();
        String a = "7" + run + "a";
        String b = "7" + run + "b";
        String c = "7" + run + "c";
        String never = "7" + run + "d";
        String postage = "POST" + run;
        String u1 = "hc1-" + run;
        String u2 = "hc2-" + run;
        String u3 = "hc3-" + run;
        String u4 = "hc4-" + run;
        // Before the cutoff (sent to the service): u1 buys a twice and b; u2 a and c; u3 c, then postage.
        List<EvaluationEvent> stream = new ArrayList<>(List.of(
                purchase(u1, a, day, 1), purchase(u1, a, day, 2), purchase(u1, b, day, 3),
                purchase(u2, a, day, 1), purchase(u2, c, day, 2),
                purchase(u3, c, day, 1), purchase(u3, postage, day, 2)));
        List<Map<String, Object>> sent = new ArrayList<>();
        for (EvaluationEvent e : stream) {
            sent.add(Map.of("eventId", run + "-" + sent.size(), "userId", e.userId(), "type", "purchase", "itemId",
                    e.itemId(), "text", e.text(), "occurredAt", Instant.ofEpochMilli(e.eventMillis()).toString()));
        }
        given().contentType(ContentType.JSON).body(sent).post("/v1/events").then().statusCode(202);
        IdentityMergeTest.awaitQuiet(limiter, manager);
        // After it (held out): u1's basket holds b, u2's only a never-bought item, u3's c; u4 bought nothing before.
        stream.addAll(List.of(purchase(u1, b, day, 12), purchase(u1, never, day, 12), purchase(u2, never, day, 11),
                purchase(u3, c, day, 13), purchase(u3, a, day, 14), purchase(u4, a, day, 12)));

        Predicate<String> recommendable = EvaluateCommand.recommendable(DatasetFormat.ONLINE_RETAIL);
        RecommendationHoldout.Protocol protocol = RecommendationHoldout.Protocol.of(stream, recommendable, cutoff);
        assertThat(protocol.targets()).containsOnlyKeys(u1, u2, u3);
        assertThat(protocol.targets().get(u1)).containsExactlyInAnyOrder(b, never);
        assertThat(protocol.targets().get(u3)).as("the first basket after the cutoff only").containsExactly(c);
        assertThat(protocol.catalogue()).containsExactlyInAnyOrder(a, b, c);

        ServiceHoldoutCheck.Result r = ServiceHoldoutCheck.check(HttpClient.newHttpClient(), service.toURI(),
                protocol, recommendable, 2);

        assertThat(r.customers()).isEqualTo(3);
        assertThat(r.requests()).isEqualTo(3 * Strategy.values().length);
        assertThat(r.coldStarts()).isZero();
        // personal: u1 [a, b] hits b at rank 2; u2 [c, a] misses; u3 [postage, c] is [c] once postage is left out,
        // a hit at rank 1 (with postage kept it would be rank 2).
        RecommendationHoldout.Score personal = r.scores().get(Strategy.PERSONAL);
        assertThat(personal.hitRate()).isEqualTo(2.0 / 3);
        double ideal2 = 1 + 1 / log2(3);
        assertThat(personal.ndcg()).isCloseTo(((1 / log2(3)) / ideal2 + 0 + 1) / 3, within(1e-9));
        assertThat(personal.coverage()).as("a, b and c shown, of the 3 products bought before").isEqualTo(1.0);
        for (Strategy s : Strategy.values()) {
            assertThat(r.scores().get(s).hitRate()).isBetween(0.0, 1.0);
        }
    }

    private static EvaluationEvent purchase(String user, String item, Instant day0, int day) {
        return new EvaluationEvent(user, EventType.PURCHASE, item, "item " + item,
                day0.plus(day, ChronoUnit.DAYS).toEpochMilli());
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
