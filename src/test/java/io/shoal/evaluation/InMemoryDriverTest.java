package io.shoal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.shoal.event.EventType;
import io.shoal.segmentation.KMeansState;
import io.shoal.segmentation.ProfileUpdater;
import io.shoal.segmentation.RefitPolicy;
import io.shoal.segmentation.TestParams;
import io.shoal.segmentation.SegmentBatchPlanner.UserState;
import io.shoal.segmentation.SegmentationParams;
import io.shoal.segmentation.StreamingKMeans;

class InMemoryDriverTest {

    /** 40 users in 4 interest clusters, 6 events each, interleaved in time. */
    static List<EvaluationEvent> stream() {
        List<EvaluationEvent> out = new ArrayList<>();
        long t = 1_000_000;
        for (int round = 0; round < 6; round++) {
            for (int u = 0; u < 40; u++) {
                out.add(new EvaluationEvent("u" + u, EventType.PURCHASE, "i" + round,
                        "cluster " + (u % 4) + " item " + round, t += 60_000));
            }
        }
        return out;
    }

    @Test
    void withDecayOneAndNoHysteresisEveryBatchIsAStreamingKMeansStep() {
        SegmentationParams p = TestParams.with(TestParams.of(4, Double.POSITIVE_INFINITY,
                StreamingKMeans.TimeUnit.BATCHES, 0.05, 0, 0, 7L * 24 * 3600 * 1000, ProfileUpdater.DEFAULT_MIN_WEIGHT,
                1e-4, 3, 5), 20, 1_000, RefitPolicy.never());
        EngineSettings settings = new EngineSettings("spark", p, 16, 50, TestStreams.WEIGHTS);
        List<EvaluationEvent> stream = stream();
        int[] compared = {0};
        InMemoryDriver.BatchObserver oracle = new InMemoryDriver.BatchObserver() {
            KMeansState before;

            @Override
            public void beforeBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
                before = engine.model();
            }

            @Override
            public void afterBatch(int from, List<EvaluationEvent> events, InMemoryDriver engine) {
                if (before == null) {
                    return;
                }
                List<float[]> profiles = new ArrayList<>();
                for (String u : new LinkedHashSet<>(events.stream().map(EvaluationEvent::userId).toList())) {
                    profiles.add(engine.users().get(u).profile().vector());
                }
                KMeansState expected = StreamingKMeans.step(before, profiles, 1.0);
                KMeansState actual = engine.model();
                for (int k = 0; k < expected.k(); k++) {
                    assertThat(actual.weight(k)).isCloseTo(expected.weight(k), within(1e-9));
                    float[] e = expected.centroid(k);
                    float[] a = actual.centroid(k);
                    for (int i = 0; i < e.length; i++) {
                        assertThat(a[i]).isCloseTo(e[i], within(1e-5f));
                    }
                }
                compared[0]++;
            }
        };
        new InMemoryDriver(settings, TestStreams.clusteredVectors(stream, 3)).run(stream, List.of(oracle));
        assertThat(compared[0]).isGreaterThan(10);
    }

    @Test
    void seedsOnceTheSampleHoldsBootstrapProfilesAndSegmentsEveryUser() {
        EngineSettings settings = TestStreams.settings(4, 16, 20);
        List<EvaluationEvent> stream = stream();
        InMemoryDriver engine = new InMemoryDriver(settings, TestStreams.clusteredVectors(stream, 3))
                .run(stream, List.of());
        // 16 users after the first batch, 32 after the second: seeded after event 32.
        assertThat(engine.seededAtEvent()).isEqualTo(32);
        assertThat(engine.users()).hasSize(40);
        Map<Long, Integer> sizes = new HashMap<>();
        for (UserState s : engine.users().values()) {
            assertThat(s.segmentId()).isNotNull();
            sizes.merge(s.segmentId(), 1, Integer::sum);
        }
        // Four clean interest clusters of ten users: the engine finds them.
        assertThat(sizes.values()).containsOnly(10);
    }

    @Test
    void movedShareCountsUserDays() {
        var d1 = java.time.LocalDate.of(2011, 1, 1);
        var d2 = d1.plusDays(1);
        InMemoryDriver.Movement m = new InMemoryDriver.Movement(Map.of(d1, 4, d2, 2), Map.of(d1, 1, d2, 1));
        assertThat(m.movedShare()).isEqualTo(2.0 / 6);
        assertThat(m.meanDailyShare()).isEqualTo((0.25 + 0.5) / 2);
    }

    @Test
    void aUserWhoChangesInterestMovesOnceAndIsCountedOnThatDay() {
        EngineSettings settings = TestStreams.settings(4, 16, 20);
        List<EvaluationEvent> stream = new ArrayList<>(stream());
        long day = 24 * 3600 * 1000L;
        long t = stream.get(stream.size() - 1).eventMillis() + 30 * day;
        // u0 (cluster 0) now buys cluster 1 items only, for long enough to outweigh its past.
        for (int i = 0; i < 16; i++) {
            stream.add(new EvaluationEvent("u0", EventType.PURCHASE, "j" + i, "cluster 1 item " + i, t + i));
        }
        InMemoryDriver engine = new InMemoryDriver(settings, TestStreams.clusteredVectors(stream, 3))
                .run(stream, List.of());
        InMemoryDriver.Movement m = engine.movement();
        var lastDay = java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(t), java.time.ZoneOffset.UTC);
        assertThat(m.movedUsers()).containsEntry(lastDay, 1);
        assertThat(m.activeUsers()).containsEntry(lastDay, 1);
        assertThat(engine.changes()).isEqualTo(1);
    }
}
