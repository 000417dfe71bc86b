package org.sdmstream.model.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tower width scores which rows of a burst run: least estimated cost. */
class PrefixRunnerTest {

    private static final List<Integer> WIDTHS = List.of(8, 16, 32, 50);

    @Test
    void aFewShortRowsRideInTheWiderRunAndManyGetTheirOwn() {
        // One row needing 8 beside rows needing 50: a run of its own costs more than it saves.
        assertThat(PrefixRunner.runWidths(WIDTHS, new int[] {1, 0, 0, 5}))
                .containsExactly(50, 50, 50, 50);
        // Ten short rows save more than a run's fixed part.
        assertThat(PrefixRunner.runWidths(WIDTHS, new int[] {10, 0, 0, 5}))
                .containsExactly(8, 50, 50, 50);
        // Short rows only: the narrowest tower, one run.
        assertThat(PrefixRunner.runWidths(WIDTHS, new int[] {3, 0, 0, 0}))
                .containsExactly(8, 0, 0, 0);
        // The widest needed is 32: nothing runs at 50.
        assertThat(PrefixRunner.runWidths(WIDTHS, new int[] {2, 2, 6, 0}))
                .containsExactly(32, 32, 32, 0);
        assertThat(PrefixRunner.runWidths(WIDTHS, new int[] {0, 0, 0, 0}))
                .containsExactly(0, 0, 0, 0);
    }

    @Test
    void thePlanIsTheCheapestAssignment() {
        // Against every assignment of each need to a width at least as wide, by brute force.
        int[][] cases = {{1, 1, 1, 1}, {4, 0, 9, 2}, {30, 20, 10, 1}, {0, 12, 0, 3}, {5, 5, 5, 0}};
        for (int[] rows : cases) {
            int[] plan = PrefixRunner.runWidths(WIDTHS, rows);
            assertThat(cost(plan, rows))
                    .as("rows %s", java.util.Arrays.toString(rows))
                    .isLessThanOrEqualTo(cheapest(rows, 0, new int[rows.length]) + 1e-9);
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] > 0) {
                    assertThat(plan[i]).isGreaterThanOrEqualTo(WIDTHS.get(i));
                }
            }
        }
    }

    private static double cheapest(int[] rows, int i, int[] chosen) {
        if (i == rows.length) {
            return cost(chosen, rows);
        }
        double best = Double.MAX_VALUE;
        for (int j = i; j < WIDTHS.size(); j++) {
            chosen[i] = WIDTHS.get(j);
            best = Math.min(best, cheapest(rows, i + 1, chosen));
        }
        return best;
    }

    private static double cost(int[] plan, int[] rows) {
        double cost = 0;
        for (int width : WIDTHS) {
            int n = 0;
            for (int i = 0; i < rows.length; i++) {
                if (plan[i] == width) {
                    n += rows[i];
                }
            }
            if (n > 0) {
                cost += PrefixRunner.runCost(width, n);
            }
        }
        return cost;
    }
}
