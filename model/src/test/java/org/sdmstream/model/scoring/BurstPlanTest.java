package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The cost model's choices on the cases ScorerBenchmark measured (docs/benchmarks.md, "Fewer
 * look-ups and conversions, bursts by cost").
 */
class BurstPlanTest {

    static int[] lanes(int count, int steps) {
        int[] out = new int[count];
        Arrays.fill(out, steps);
        return out;
    }

    @Test
    void manyShortBurstsAreStepped() {
        // 256 clicks as bursts of 3, 6 or 12: stepping cost 1.6-6.5 times less than prefix rows
        assertThat(BurstPlan.prefixLanes(lanes(85, 3), 256, 50)).isZero();
        assertThat(BurstPlan.prefixLanes(lanes(43, 6), 256, 50)).isZero();
        assertThat(BurstPlan.prefixLanes(lanes(21, 12), 256, 50)).isZero();
        assertThat(BurstPlan.prefixLanes(lanes(256, 1), 256, 50)).isZero();
    }

    @Test
    void aLoneLongBurstGoesByAPrefixRow() {
        // one user's 12 clicks: 1.4 ms by a prefix row against 3.4 ms stepped
        assertThat(BurstPlan.prefixLanes(lanes(1, 12), 256, 50)).isEqualTo(1);
        assertThat(BurstPlan.prefixLanes(lanes(1, 5), 256, 50)).isZero();
        assertThat(BurstPlan.prefixLanes(lanes(1, 6), 256, 50)).isEqualTo(1);
    }

    @Test
    void theLongestLanesGoByPrefixRowsWhenTheyAloneWouldAddRounds() {
        // a cold start mid-session (40 steps) among 200 users with one click each
        int[] steps = new int[201];
        Arrays.fill(steps, 1);
        steps[0] = 40;
        assertThat(BurstPlan.prefixLanes(steps, 256, 50)).isEqualTo(1);
        // once a prefix run is paid for two long lanes, a row costs less than four more rounds
        assertThat(BurstPlan.prefixLanes(new int[] {45, 44, 4, 1, 1}, 256, 50)).isEqualTo(3);
        assertThat(BurstPlan.prefixLanes(new int[] {45, 44, 1, 1, 1}, 256, 50)).isEqualTo(2);
    }

    @Test
    void aShorterTowerMakesPrefixRowsCheaper() {
        assertThat(BurstPlan.prefixLanes(lanes(21, 12), 256, 50)).isZero();
        assertThat(BurstPlan.prefixLanes(lanes(21, 12), 256, 10)).isEqualTo(21);
    }

    @Test
    void nothingToPlanAndUnsortedSteps() {
        assertThat(BurstPlan.prefixLanes(new int[0], 256, 50)).isZero();
        assertThatThrownBy(() -> BurstPlan.prefixLanes(new int[] {1, 3}, 256, 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BurstPlan.prefixLanes(new int[] {3, 1, 2}, 256, 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BurstPlan.prefixLanes(new int[] {3, -1}, 256, 50))
                .isInstanceOf(IllegalArgumentException.class);
        // no cap on lanes per run
        assertThat(BurstPlan.prefixLanes(lanes(1, 40), Integer.MAX_VALUE, 50)).isEqualTo(1);
        assertThat(BurstPlan.prefixLanes(lanes(85, 3), Integer.MAX_VALUE, 50)).isZero();
    }
}
