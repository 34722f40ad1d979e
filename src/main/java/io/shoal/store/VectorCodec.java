package io.shoal.store;

import io.shoal.config.VectorEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Binary encodings of vectors for Redis. Centroid sums are always float32 (the Lua script does arithmetic on
 * them); profiles may be float16 or int8 to stay under 1 KiB per user at d = 384. The first byte of an encoded
 * profile names its encoding, so the setting can change without migrating data.
 */
public final class VectorCodec {

    private VectorCodec() {
    }

    /** Little-endian float32, no header: the layout the Lua scripts read with struct.unpack('<f...'). */
    public static byte[] float32(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    public static byte[] float32(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putFloat((float) x);
        }
        return b.array();
    }

    public static float[] readFloat32(byte[] bytes) {
        if (bytes.length % 4 != 0) {
            throw new IllegalArgumentException("a float32 vector must have a multiple of 4 bytes but had " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    /** A profile vector with a one-byte header naming the encoding. */
    public static byte[] encode(float[] v, VectorEncoding encoding) {
        switch (encoding) {
            case FLOAT32: {
                ByteBuffer b = ByteBuffer.allocate(1 + v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 0);
                for (float x : v) {
                    b.putFloat(x);
                }
                return b.array();
            }
            case FLOAT16: {
                ByteBuffer b = ByteBuffer.allocate(1 + v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 1);
                for (float x : v) {
                    b.putShort(toHalf(x));
                }
                return b.array();
            }
            case INT8: {
                float max = 0;
                for (float x : v) {
                    max = Math.max(max, Math.abs(x));
                }
                float scale = max == 0 ? 1 : max / 127f;
                ByteBuffer b = ByteBuffer.allocate(1 + 4 + v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.put((byte) 2);
                b.putFloat(scale);
                for (float x : v) {
                    b.put((byte) Math.round(x / scale));
                }
                return b.array();
            }
            default:
                throw new IllegalArgumentException("unknown encoding " + encoding);
        }
    }

    public static float[] decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("an encoded vector must not be empty");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte kind = b.get();
        switch (kind) {
            case 0: {
                float[] v = new float[(bytes.length - 1) / 4];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.getFloat();
                }
                return v;
            }
            case 1: {
                float[] v = new float[(bytes.length - 1) / 2];
                for (int i = 0; i < v.length; i++) {
                    v[i] = fromHalf(b.getShort());
                }
                return v;
            }
            case 2: {
                float scale = b.getFloat();
                float[] v = new float[bytes.length - 5];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b.get() * scale;
                }
                return v;
            }
            default:
                throw new IllegalArgumentException("unknown vector encoding byte " + kind);
        }
    }

    /** IEEE 754 binary16 from binary32, round to nearest even (Java 17 has no Float.floatToFloat16). */
    static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    static float fromHalf(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mant * 2^-24.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
