package io.shoal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;
import io.shoal.recommendation.Strategy;

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

        RecommendationCheck check = new RecommendationCheck(Evaluation.Options.defaults(2).recommendation(),
                EvaluateCommand.recommendable(io.shoal.replay.DatasetFormat.ONLINE_RETAIL));
        EngineSettings settings = TestStreams.settings(2, 1, 4);
        new InMemoryDriver(settings, TestStreams.clusteredVectors(stream, 7)).run(stream, List.of(check));

        RecommendationCheck.Result r = check.result();
        assertThat(r.baskets()).isEqualTo(3);
        // Personal: a0 has bought 1a0 -> hit; b0 owns only 1b0, a1 only 1a1 -> miss.
        assertThat(r.hits().get(Strategy.PERSONAL)).isEqualTo(1);
        // Segment: the 10 most recent of each cluster's 12 items: b0's holds 1b5 (hit), a0's lacks 1a0 (the
        // oldest), a1's 1zz is new.
        assertThat(r.hits().get(Strategy.SEGMENT)).isEqualTo(1);
        // Blended: nobody has rebought anything yet (propensity 0), so the segment's items outrank own ones.
        assertThat(r.hits().get(Strategy.BLENDED)).isEqualTo(1);
        assertThat(r.hitRate(Strategy.BLENDED)).isEqualTo(1.0 / 3);
        // Global: 24 items compete for 10 places; the 10 newest are 1b7..1b11 and 1a7..1a11: no hit.
        assertThat(r.hitRate(Strategy.GLOBAL)).isZero();
    }
}
