package io.shoal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SegmentDescriberTest {

    private static float[] unit(double... v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    @Test
    void nearestTextsAreOrderedByCosineSimilarityPerSegment() {
        Map<String, float[]> texts = new LinkedHashMap<>();
        texts.put("far", unit(0, 1));
        texts.put("near", unit(1, 0.1));
        texts.put("middle", unit(1, 1));
        texts.put("other dimension", unit(1, 0, 0));
        Map<Long, SegmentDescriber.Description> d = SegmentDescriber.describe(new long[] { 5, 6 },
                new float[][] { unit(1, 0), unit(0, 1) }, texts, 2, 3);
        assertThat(d.get(5L).nearestTexts()).containsExactly("near", "middle");
        assertThat(d.get(6L).nearestTexts()).containsExactly("far", "middle");
    }

    @Test
    void labelTakesTheWordsInMostTextsAndSkipsStopWordsShortWordsAndNumbers() {
        String label = SegmentDescriber.label(7, List.of("SET OF 3 CAKE TINS PANTRY DESIGN", "PANTRY CAKE TINS",
                "REGENCY CAKESTAND 3 TIER", "CAKE CASES"), 3);
        // cake: 3 texts; tins, pantry: 2 texts each, tins seen first; "set", "of", "3", "design" are skipped.
        assertThat(label).isEqualTo("segment 7: cake, tins, pantry");
    }

    @Test
    void segmentWithoutTextsIsLabelledByItsId() {
        assertThat(SegmentDescriber.label(9, List.of(), 3)).isEqualTo("segment 9");
        assertThat(SegmentDescriber.describe(new long[] { 9 }, new float[][] { unit(1, 0) }, Map.of(), 10, 3)
                .get(9L)).isEqualTo(new SegmentDescriber.Description(List.of(), "segment 9"));
    }

    @Test
    void invalidArgumentsAreRejectedWithTheValues() {
        assertThatThrownBy(() -> SegmentDescriber.describe(new long[] { 1 }, new float[0][], Map.of(), 10, 3))
                .hasMessageContaining("0 centroids for 1 ids");
        assertThatThrownBy(() -> SegmentDescriber.describe(new long[0], new float[0][], Map.of(), 0, 3))
                .hasMessageContaining("were 0 and 3");
    }
}
