package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {

    /** b = 2 texts, t = 3 tokens, h = 2: text 0 has 2 real tokens, text 1 has 3. */
    private static final float[] HIDDEN = {
            1, 0, 3, 4, 100, 100, // text 0: tokens (1,0) (3,4), then padding
            0, 2, 0, 4, 0, 6 }; // text 1
    private static final long[] MASK = { 1, 1, 0, 1, 1, 1 };

    @Test
    void meanPoolingIgnoresPaddingThenNormalises() {
        float[][] pooled = Vectors.pool(HIDDEN, MASK, 2, 3, 2, Pooling.MEAN);
        // text 0: mean (2, 2) -> (1/sqrt2, 1/sqrt2); text 1: mean (0, 4) -> (0, 1)
        assertThat(pooled[0][0]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));
        assertThat(pooled[0][1]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));
        assertThat(pooled[1]).containsExactly(0f, 1f);
    }

    @Test
    void clsPoolingTakesTheFirstToken() {
        float[][] pooled = Vectors.pool(HIDDEN, MASK, 2, 3, 2, Pooling.CLS);
        assertThat(pooled[0]).containsExactly(1f, 0f);
        assertThat(pooled[1]).containsExactly(0f, 1f);
    }

    @Test
    void zeroVectorStaysZero() {
        assertThat(Vectors.normalise(new float[] { 0, 0 })).containsExactly(0f, 0f);
        assertThat(Vectors.cosine(new float[] { 0, 0 }, new float[] { 1, 0 })).isZero();
    }

    @Test
    void bytesAreLittleEndianFloat32() {
        float[] v = { 1.0f, -2.5f, 3.25e-8f };
        byte[] bytes = Vectors.toBytes(v);
        assertThat(bytes).hasSize(12);
        // 1.0f = 0x3F800000, little-endian
        assertThat(bytes[0]).isZero();
        assertThat(bytes[3]).isEqualTo((byte) 0x3F);
        assertThat(Vectors.fromBytes(bytes)).containsExactly(v);
    }

    @Test
    void wrongShapesAreRefusedWithTheSizes() {
        assertThatThrownBy(() -> Vectors.pool(new float[5], MASK, 2, 3, 2, Pooling.MEAN))
                .hasMessageContaining("2*3*2").hasMessageContaining("had 5");
        assertThatThrownBy(() -> Vectors.fromBytes(new byte[3])).hasMessageContaining("got 3");
    }
}
