package io.vigil.config;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** keepalived TIMER values read without BigDecimal ({@link Values#micros}) round as BigDecimal's HALF_UP does. */
class TimerValuesTest {
    @Test
    void microsAgreeWithBigDecimalHalfUp() {
        SplittableRandom r = new SplittableRandom(20261207);
        int checked = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            if (r.nextInt(8) == 0) b.append('-');
            int whole = r.nextInt(0, 12), frac = r.nextInt(-1, 10);
            for (int i = 0; i < whole; i++) b.append((char) ('0' + r.nextInt(10)));
            if (frac >= 0) {
                b.append('.');
                for (int i = 0; i < frac; i++) b.append((char) ('0' + (r.nextInt(4) == 0 ? (r.nextBoolean() ? 5 : 4) : r.nextInt(10))));
            }
            String s = b.toString();
            if (!Values.isDecimal(s)) continue;
            assertThat(Values.micros(s)).as(s).isEqualTo(oracle(s));
            checked++;
        }
        assertThat(checked).isGreaterThan(100_000);
    }

    @Test
    void edges() {
        for (String s : new String[] {"1", "0.01", "3.5", "0.0000005", "0.0000004", "-0.0000005", "255", ".5", "5.",
                "99999999999999999", "-99999999999999999", "9999999999999.5", "0.9999995"}) {
            assertThat(Values.micros(s)).as(s).isEqualTo(oracle(s));
        }
    }

    private static long oracle(String s) {
        try {
            return new BigDecimal(s).movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            return s.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
