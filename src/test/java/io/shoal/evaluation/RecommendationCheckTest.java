package io.shoal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;

class RecommendationCheckTest {

    private static final long DAY = 24 * 3600 * 1000L;

    @Test
    void hitRateAtTenOnAHandMadeStream() {
        // Two clusters of texts: a users buy "a*" items, b users buy "b*" items; one batch per event.
        List<EvaluationEvent> stream = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 12; i++) {
            stream.add(new EvaluationEvent("a" + i, EventType.PURCHASE, "1a" + i, "cluster a " + i, t += 1000));
            stream.add(new EvaluationEvent("b" + i, EventType.PURCHASE, "1b" + i, "cluster b " + i, t += 1000));
        }
        // Baskets to score: a0 rebuys its own item; b0 buys a b item bought by others; a1 buys something new.
        stream.add(new EvaluationEvent("a0", EventType.PURCHASE, "1a0", "cluster a 0", t += DAY));
        stream.add(new EvaluationEvent("b0", EventType.PURCHASE, "1b5", "cluster b 5", t += 1000));
        stream.add(new EvaluationEvent("a1", EventType.PURCHASE, "1zz", "cluster a 99", t += 1000));
        // Postage is never recommended nor a hit.
        stream.add(new EvaluationEvent("a2", EventType.PURCHASE, "POST", "cluster a 98", t += 1000));

        RecommendationCheck check = new RecommendationCheck(EvaluateCommand.recommendable(
                io.shoal.replay.DatasetFormat.ONLINE_RETAIL), RecommendationCheck.DEFAULT_HALF_LIFE_MILLIS);
        EngineSettings settings = TestStreams.settings(2, 1, 4);
        new InMemoryDriver(settings, TestStreams.clusteredVectors(stream, 7)).run(stream, List.of(check));

        RecommendationCheck.Result r = check.result();
        assertThat(r.baskets()).isEqualTo(3);
        // History+segment: a0 has bought 1a0 -> hit; b0's segment holds 1b5 -> hit; a1's 1zz is new -> miss.
        assertThat(r.hits().get(RecommendationCheck.Recommender.HISTORY_SEGMENT)).isEqualTo(2);
        assertThat(r.hitRate(RecommendationCheck.Recommender.HISTORY_SEGMENT)).isEqualTo(2.0 / 3);
        // Global: 24 items compete for 10 places; the 10 newest are 1b7..1b11 and 1a7..1a11: no hit.
        assertThat(r.hitRate(RecommendationCheck.Recommender.GLOBAL)).isZero();
        for (RecommendationCheck.Recommender rec : RecommendationCheck.Recommender.values()) {
            assertThat(r.hitRate(rec)).isBetween(0.0, 1.0);
        }
    }

    @Test
    void topRanksByScoreThenKey() {
        assertThat(RecommendationCheck.top(Map.of("x", 1.0, "y", 3.0, "z", 2.0, "w", 3.0), 3))
                .containsExactly("w", "y", "z");
    }

    @Test
    void blendPutsOwnItemsFirstWithoutDuplicates() {
        assertThat(RecommendationCheck.blend(List.of("a", "b"), List.of("b", "c", "d", "e", "f", "g", "h", "i", "j",
                "k", "l"))).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    }
}
