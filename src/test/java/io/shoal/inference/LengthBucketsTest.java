package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LengthBucketsTest {

    @Test
    void handBuiltBatchSplitsWhereThePaddingBoundWouldBreak() {
        // Sorted: 5(i1) 5(i3) 6(i0) 6(i4) 20(i2) 21(i5). With minTexts 2 and 25%: {5,5,6,6} pads 24 for 22 real
        // tokens (1.09); adding 20 would pad 100 for 42 -> a new sub-batch; {20, 21} pads 42 for 41.
        List<int[]> split = new LengthBuckets(2, 8, 0.25).split(new int[] { 6, 5, 20, 5, 6, 21 });
        assertThat(split).hasSize(2);
        assertThat(split.get(0)).containsExactly(1, 3, 0, 4);
        assertThat(split.get(1)).containsExactly(2, 5);
    }

    @Test
    void minTextsKeepsSmallSubBatchesTogetherAndMaxTextsCapsThem() {
        int[] lengths = { 3, 30, 3, 30 };
        assertThat(new LengthBuckets(4, 8, 0.25).split(lengths)).hasSize(1);
        assertThat(new LengthBuckets(1, 8, 0.25).split(lengths)).hasSize(2);
        int[] same = new int[10];
        Arrays.fill(same, 7);
        List<int[]> capped = new LengthBuckets(1, 4, 0.25).split(same);
        assertThat(capped).extracting(s -> s.length).containsExactly(4, 4, 2);
        // Ties keep input order.
        assertThat(capped.get(0)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void noneIsOnePaddedCall() {
        int[] lengths = { 3, 30, 9, 12, 4 };
        List<int[]> split = LengthBuckets.NONE.split(lengths);
        assertThat(split).hasSize(1);
        assertThat(split.get(0)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(LengthBuckets.paddedRatio(lengths, split)).isEqualTo(5.0 * 30 / 58);
    }

    @Test
    void randomBatchesCoverEveryTextOnceAndKeepTheBound() {
        Random random = new Random(7);
        LengthBuckets rule = new LengthBuckets(8, 64, 0.25);
        for (int trial = 0; trial < 200; trial++) {
            int[] lengths = new int[1 + random.nextInt(300)];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = 3 + (int) Math.round(Math.abs(random.nextGaussian()) * 10);
            }
            List<int[]> split = rule.split(lengths);
            List<Integer> seen = new ArrayList<>();
            for (int[] s : split) {
                assertThat(s.length).isBetween(1, 64);
                int real = 0;
                int max = 0;
                for (int p = 0; p < s.length; p++) {
                    seen.add(s[p]);
                    real += lengths[s[p]];
                    max = Math.max(max, lengths[s[p]]);
                    if (p > 0) {
                        assertThat(lengths[s[p]]).isGreaterThanOrEqualTo(lengths[s[p - 1]]);
                    }
                }
                // The bound may only be passed by a sub-batch still under minTexts.
                if (s.length > 8) {
                    assertThat((double) max * s.length).isLessThanOrEqualTo(1.25 * real + 1e-9);
                }
            }
            assertThat(seen).hasSize(lengths.length).doesNotHaveDuplicates();
            assertThat(LengthBuckets.paddedRatio(lengths, split))
                    .isLessThanOrEqualTo(LengthBuckets.paddedRatio(lengths, LengthBuckets.NONE.split(lengths)));
        }
    }

    @Test
    void aGpuTakesWiderSubBatches() {
        int[] lengths = new int[1024];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 6 + i % 3; // titles of 6 to 8 tokens: within the padding bound of one another
        }
        assertThat(LengthBuckets.forDevice(false)).isSameAs(LengthBuckets.DEFAULT);
        assertThat(LengthBuckets.forDevice(false).split(lengths)).hasSize(16); // 64 at most
        assertThat(LengthBuckets.forDevice(true).split(lengths)).hasSize(1);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new LengthBuckets(0, 8, 0.25)).hasMessageContaining("minTexts");
        assertThatThrownBy(() -> new LengthBuckets(9, 8, 0.25)).hasMessageContaining("maxTexts");
        assertThatThrownBy(() -> new LengthBuckets(1, 8, -1)).hasMessageContaining("maxPadding");
        assertThatThrownBy(() -> new LengthBuckets(1, 8, Double.NaN)).hasMessageContaining("maxPadding");
    }
}
