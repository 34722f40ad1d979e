package io.shoal.recommendation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ItemFilterTest {

    @Test
    void theWholeKeyMustMatchToBeExcluded() {
        ItemFilter fees = ItemFilter.excluding("POST|DOT|M|BANK CHARGES|t:gift wrap.*");
        assertThat(fees.learns("POST")).isFalse();
        assertThat(fees.learns("BANK CHARGES")).isFalse();
        assertThat(fees.learns(ItemKey.of(null, "Gift  Wrap (red)"))).isFalse();
        // Not a prefix or substring match: a product whose code starts with M or holds POST is kept.
        assertThat(fees.learns("MUG-1")).isTrue();
        assertThat(fees.learns("85123A")).isTrue();
        assertThat(fees.learns("t:postcard")).isTrue();
        assertThat(fees.learns(null)).as("no item").isFalse();
    }

    @Test
    void noPatternLearnsEveryItem() {
        assertThat(ItemFilter.excluding(null)).isEqualTo(ItemFilter.NONE);
        assertThat(ItemFilter.excluding("  ")).isEqualTo(ItemFilter.NONE);
        assertThat(ItemFilter.NONE.learns("POST")).isTrue();
    }

    @Test
    void aBadPatternIsNamedWithWhereItIsWrong() {
        assertThatThrownBy(() -> ItemFilter.excluding("fee-(.*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fee-(.*' is not a regular expression")
                .hasMessageContaining("near index");
    }
}
