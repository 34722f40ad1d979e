package io.shoal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RecommendationConfigTest {

    @Test
    void excludedItemsAreReadFromTheKeyAndABadPatternNamesIt() {
        assertThat(RecommendationConfig.itemFilter(SegmentationDefaults.recommendation(
                Map.of("shoal.recommendation.excluded-items", "POST|DOT"))).learns("DOT")).isFalse();
        assertThatThrownBy(() -> RecommendationConfig.itemFilter(SegmentationDefaults.recommendation(
                Map.of("shoal.recommendation.excluded-items", "[POST"))))
                .hasMessageContaining("shoal.recommendation.excluded-items").hasMessageContaining("[POST");
    }
}
