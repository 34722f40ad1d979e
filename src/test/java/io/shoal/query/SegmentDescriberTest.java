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
                .get(9L)).isEqualTo(new SegmentDescriber.Description(List.of(), "segment 9", List.of()));
    }

    @Test
    void distinctiveTermsAreByClassBasedTfIdfOverTheTextsEachSegmentOwns() {
        // Two segments along the axes; "christmas" is in texts of both, which lowers its weight in each.
        Map<String, float[]> texts = new java.util.LinkedHashMap<>();
        texts.put("CHRISTMAS CAKE TIN", unit(1, 0.1f));
        texts.put("CAKE STAND", unit(1, 0.2f));
        texts.put("CHRISTMAS CAKE CASES", unit(1, 0.3f));
        texts.put("CHRISTMAS LIGHTS", unit(0.1f, 1));
        texts.put("FAIRY LIGHTS", unit(0.2f, 1));
        Map<Long, SegmentDescriber.Description> d = SegmentDescriber.describe(new long[] { 1, 2 },
                new float[][] { unit(1, 0), unit(0, 1) }, texts, 10, 2);
        // Segment 1 owns 3 texts, 8 terms: cake 3, christmas 2, tin/stand/cases 1; segment 2: 2 texts, 4 terms.
        // A = 6; f(cake) = 3, f(christmas) = 3, f(tin) = 1, f(lights) = 2, f(fairy) = 1.
        // W(cake,1) = 3/8·ln 3 = 0.412, W(christmas,1) = 2/8·ln 3 = 0.275, W(tin,1) = 1/8·ln 7 = 0.243.
        // W(lights,2) = 2/4·ln 4 = 0.693, W(fairy,2) = 1/4·ln 7 = 0.486, W(christmas,2) = 1/4·ln 3 = 0.275.
        assertThat(d.get(1L).terms()).containsExactly("cake", "christmas", "tin", "stand", "cases");
        assertThat(d.get(1L).label()).isEqualTo("segment 1: cake, christmas");
        assertThat(d.get(2L).terms()).containsExactly("lights", "fairy", "christmas");
        assertThat(d.get(2L).label()).isEqualTo("segment 2: lights, fairy");
        // Nearest texts still rank every sampled text by similarity, owned or not.
        assertThat(d.get(2L).nearestTexts()).startsWith("CHRISTMAS LIGHTS", "FAIRY LIGHTS");
    }

    @Test
    void invalidArgumentsAreRejectedWithTheValues() {
        assertThatThrownBy(() -> SegmentDescriber.describe(new long[] { 1 }, new float[0][], Map.of(), 10, 3))
                .hasMessageContaining("0 centroids for 1 ids");
        assertThatThrownBy(() -> SegmentDescriber.describe(new long[0], new float[0][], Map.of(), 0, 3))
                .hasMessageContaining("were 0 and 3");
    }
}
