package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void trimsCollapsesAndLowerCasesForUncasedModels() {
        assertThat(new TextNormalizer(true).normalise("  White \t HEART\n holder ")).isEqualTo("white heart holder");
    }

    @Test
    void keepsCaseForCasedModels() {
        assertThat(new TextNormalizer(false).normalise(" iPhone  15 ")).isEqualTo("iPhone 15");
    }

    @Test
    void nullIsEmpty() {
        assertThat(new TextNormalizer(true).normalise(null)).isEmpty();
    }
}
