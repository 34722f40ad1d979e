package io.shoal.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StrategySplitTest {

    @Test
    void everyoneBlendedByDefaultShare() {
        StrategySplit split = new StrategySplit(Map.of(Strategy.BLENDED, 1.0));
        for (int i = 0; i < 1000; i++) {
            assertThat(split.strategyOf("u" + i)).isEqualTo(Strategy.BLENDED);
        }
    }

    @Test
    void sharesAreKeptInProportionAndStablePerShopper() {
        StrategySplit split = new StrategySplit(Map.of(Strategy.BLENDED, 6.0, Strategy.PERSONAL, 3.0,
                Strategy.GLOBAL, 1.0));
        Map<Strategy, Integer> counts = new EnumMap<>(Strategy.class);
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts.merge(split.strategyOf("user-" + i), 1, Integer::sum);
        }
        // Binomial standard deviation at n = 100,000 is below 0.0016: 0.006 is ~4 sigma.
        assertThat(counts.get(Strategy.BLENDED) / (double) n).isCloseTo(0.6, within(0.006));
        assertThat(counts.get(Strategy.PERSONAL) / (double) n).isCloseTo(0.3, within(0.006));
        assertThat(counts.get(Strategy.GLOBAL) / (double) n).isCloseTo(0.1, within(0.006));
        assertThat(counts).doesNotContainKey(Strategy.SEGMENT);
        // Stable: a new split with the same shares (another process) decides the same.
        StrategySplit again = new StrategySplit(Map.of(Strategy.GLOBAL, 0.1, Strategy.PERSONAL, 0.3,
                Strategy.BLENDED, 0.6));
        for (int i = 0; i < 1000; i++) {
            assertThat(again.strategyOf("user-" + i)).isEqualTo(split.strategyOf("user-" + i));
        }
    }

    @Test
    void badSharesAreRejectedWithTheValue() {
        assertThatThrownBy(() -> new StrategySplit(Map.of(Strategy.BLENDED, -1.0)))
                .hasMessage("the share of blended must be a finite number >= 0 but was -1.0");
        assertThatThrownBy(() -> new StrategySplit(Map.of(Strategy.BLENDED, 0.0)))
                .hasMessageStartingWith("at least one strategy needs a share > 0");
    }
}
