package io.vigil.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeapSizingTest {
    static final long MB = 1L << 20;

    @Test void aSmallNodeGetsTheFloorALargeOneItsEstimateAndTheCeilingCaps() {
        assertThat(HeapSizing.softMax(0, 1024 * MB)).isEqualTo(96 * MB);
        assertThat(HeapSizing.softMax(1_000, 1024 * MB)).isEqualTo(96 * MB); // 21.8 MB live x 1.7 = 37 MB < floor
        // NodeScaleBench's node: 10,000 real servers, 93 MB live measured, 157 MB soft (collections every 6-8 s)
        assertThat(HeapSizing.softMax(10_000, 1024 * MB)).isBetween(156 * MB, 157 * MB);
        // keepalived's production anchor, 2,284 x ~16: ~300 MB live
        assertThat(HeapSizing.softMax(36_544, 512 * MB)).isBetween(509 * MB, 510 * MB);
        assertThat(HeapSizing.softMax(36_544, 256 * MB)).isEqualTo(256 * MB);
        assertThat(HeapSizing.softMax(0, 64 * MB)).isEqualTo(64 * MB); // never above -Xmx
    }

    @Test void aCeilingTooLowForTheEstimateIsNamedWithItsFix() {
        assertThat(HeapSizing.ceilingWarning(10_000, 1024 * MB)).isNull();
        assertThat(HeapSizing.ceilingWarning(36_544, 256 * MB))
                .isEqualTo("heap: 36544 real servers need about 509 MB of heap but -Xmx is 256 MB: the node will collect "
                        + "garbage back to back or run out of memory; set VIGIL_JAVA_OPTS=-Xmx573m");
    }
}
