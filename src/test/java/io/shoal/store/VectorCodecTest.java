package io.shoal.store;

import io.shoal.config.VectorEncoding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class VectorCodecTest {

    private static float[] unit(int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[d];
        double n = 0;
        for (int i = 0; i < d; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < d; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void float32RoundTripIsExact() {
        float[] v = unit(384, 1);
        assertThat(VectorCodec.decode(VectorCodec.encode(v, VectorEncoding.FLOAT32))).containsExactly(v);
        assertThat(VectorCodec.readFloat32(VectorCodec.float32(v))).containsExactly(v);
    }

    @Test
    void compactEncodingsKeepTheDirectionAndStayUnderTheByteBudget() {
        for (long seed = 0; seed < 20; seed++) {
            float[] v = unit(384, seed);
            byte[] half = VectorCodec.encode(v, VectorEncoding.FLOAT16);
            byte[] int8 = VectorCodec.encode(v, VectorEncoding.INT8);
            assertThat(half).hasSize(1 + 384 * 2);
            assertThat(int8).hasSize(1 + 4 + 384);
            assertThat(cosine(v, VectorCodec.decode(half))).isGreaterThan(0.99999);
            assertThat(cosine(v, VectorCodec.decode(int8))).isGreaterThan(0.999);
        }
    }

    @Test
    void halfPrecisionConversionMatchesIeeeValues() {
        assertThat(VectorCodec.toHalf(1.0f)).isEqualTo((short) 0x3c00);
        assertThat(VectorCodec.toHalf(-2.0f)).isEqualTo((short) 0xc000);
        assertThat(VectorCodec.toHalf(0.0f)).isEqualTo((short) 0);
        assertThat(VectorCodec.toHalf(65504f)).isEqualTo((short) 0x7bff);
        assertThat(VectorCodec.toHalf(1e6f)).isEqualTo((short) 0x7c00);
        assertThat(VectorCodec.fromHalf((short) 0x3555)).isEqualTo(0.33325195f);
        assertThat(VectorCodec.fromHalf((short) 0x0001)).isEqualTo(5.9604645e-8f);
        // Round to nearest even: 1 + 2^-11 lies halfway between 1 and the next half, and rounds down to 1.
        assertThat(VectorCodec.toHalf(1.0f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        assertThat(VectorCodec.toHalf(1.0f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3c01);
    }

    @Test
    void unknownEncodingByteIsAClearError() {
        assertThatThrownBy(() -> VectorCodec.decode(new byte[] { 9, 0, 0 }))
                .hasMessageContaining("unknown vector encoding byte 9");
    }
}
