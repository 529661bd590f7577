package dev.jtune.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfFloatsTest {

    @Test
    void f16HandComputedValues() {
        assertEquals(0x3c00, HalfFloats.floatToF16(1.0f) & 0xffff);
        assertEquals(0xc100, HalfFloats.floatToF16(-2.5f) & 0xffff);
        assertEquals(0x7bff, HalfFloats.floatToF16(65504f) & 0xffff);
        assertEquals(0x0001, HalfFloats.floatToF16(0x1p-24f) & 0xffff, "smallest subnormal");
        assertEquals(0x0200, HalfFloats.floatToF16(0x1p-15f) & 0xffff, "subnormal 2^-15");
        assertEquals(0x0400, HalfFloats.floatToF16(0x1p-14f) & 0xffff, "smallest normal");
        assertEquals(0x8000, HalfFloats.floatToF16(-0.0f) & 0xffff);
        assertEquals(0x7c00, HalfFloats.floatToF16(Float.POSITIVE_INFINITY) & 0xffff);
        assertEquals(0xfc00, HalfFloats.floatToF16(Float.NEGATIVE_INFINITY) & 0xffff);

        assertEquals(1.0f, HalfFloats.f16ToFloat(0x3c00));
        assertEquals(-2.5f, HalfFloats.f16ToFloat(0xc100));
        assertEquals(65504f, HalfFloats.f16ToFloat(0x7bff));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat(0x0001));
        assertEquals(0x3ffp-24f, HalfFloats.f16ToFloat(0x03ff), "largest subnormal");
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat(0x7c00));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(HalfFloats.f16ToFloat(0x8000)));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(0x7e00)));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat(HalfFloats.floatToF16(Float.NaN))));
    }

    @Test
    void f16RoundsToNearestEven() {
        assertEquals(0x3c00, HalfFloats.floatToF16(1 + 0x1p-11f) & 0xffff, "tie between 1 and 1+2^-10 -> even 1");
        assertEquals(0x3c02, HalfFloats.floatToF16(1 + 3 * 0x1p-11f) & 0xffff, "tie -> even mantissa 2");
        assertEquals(0x3c01, HalfFloats.floatToF16(1 + 0x1p-11f + 0x1p-20f) & 0xffff, "above the tie rounds up");
        assertEquals(0x7c00, HalfFloats.floatToF16(65520f) & 0xffff, "tie above 65504 rounds to infinity");
        assertEquals(0x7bff, HalfFloats.floatToF16(65519f) & 0xffff);
        assertEquals(0x0000, HalfFloats.floatToF16(0x1p-25f) & 0xffff, "half the smallest subnormal ties to 0");
        assertEquals(0x0001, HalfFloats.floatToF16(0x1.8p-25f) & 0xffff, "above half rounds up");
        assertEquals(0x0002, HalfFloats.floatToF16(0x3p-25f) & 0xffff, "1.5 subnormal steps ties to even 2");
        assertEquals(0x0400, HalfFloats.floatToF16(0x7fep-25f + 0x1p-25f) & 0xffff, "rounds up into normals");
    }

    @Test
    void f16EveryBitPatternRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat(h);
            if (!Float.isNaN(f)) {
                assertEquals(h, HalfFloats.floatToF16(f) & 0xffff, "bits " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void bf16HandComputedValues() {
        assertEquals(0x3f80, HalfFloats.floatToBf16(1.0f) & 0xffff);
        assertEquals(0xc020, HalfFloats.floatToBf16(-2.5f) & 0xffff);
        assertEquals(0x3f80, HalfFloats.floatToBf16(1.00390625f) & 0xffff, "1+2^-8 ties to even 1.0");
        assertEquals(0x3f82, HalfFloats.floatToBf16(1.01171875f) & 0xffff, "1+3*2^-8 ties to even 1+2^-6");
        assertEquals(0x3f81, HalfFloats.floatToBf16(1.0040f) & 0xffff, "above the tie rounds up");
        assertEquals(1.0f, HalfFloats.bf16ToFloat(0x3f80));
        assertEquals(1.015625f, HalfFloats.bf16ToFloat(0x3f82));
        assertEquals(-2.5f, HalfFloats.bf16ToFloat(0xc020));
        assertEquals(0x7f80, HalfFloats.floatToBf16(Float.MAX_VALUE) & 0xffff, "rounds past the max to infinity");
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7f800001)))));
    }
}
