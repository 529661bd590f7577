package dev.jtune.io;

/**
 * Conversions between {@code float} and the two 16-bit float formats of checkpoints, written out for Java 17
 * ({@code Float.float16ToFloat} only arrived in Java 20). Narrowing rounds to nearest, ties to even; NaN stays a
 * (quiet) NaN and values past the largest finite half become infinity.
 */
public final class HalfFloats {

    private HalfFloats() {
    }

    /** IEEE 754 binary16 bits (low 16 bits of {@code h}) to float, exactly, subnormals, infinities and NaN included. */
    public static float f16ToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): mantissa * 2^-24, exact in float
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }

    /** Float to binary16 bits, rounded to nearest even. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13)));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half of the smallest subnormal: rounds to zero
            }
            // subnormal half: value = (1.mantissa) * 2^(e - 15), stored as m * 2^-24 with m = full >> (14 - e)
            return (short) (sign | roundShift(mantissa | 0x800000, 14 - e));
        }
        // normal half; a carry out of the mantissa correctly bumps the exponent, up to infinity
        return (short) (sign | ((e << 10) + roundShift(mantissa, 13)));
    }

    /** bfloat16 bits (low 16 bits of {@code b}) to float: they are the upper half of the float's bits. */
    public static float bf16ToFloat(int b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** Float to bfloat16 bits, rounded to nearest even. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40); // NaN: keep it a quiet NaN even if the payload is in the low bits
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /** {@code value >> shift}, rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
