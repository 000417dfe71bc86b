package org.sdmstream.model.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IvfInnerProductIndexTest {

    /** Items around a few centres, their norms spread over 4x, as a trained table's spread. */
    private static float[][] clusteredWithNormSpread(Random r, int n, int d, int centres) {
        float[][] c = new float[centres][d];
        for (float[] row : c) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        float[][] m = new float[n][d];
        for (float[] row : m) {
            float[] centre = c[r.nextInt(centres)];
            float scale = 0.5f + 1.5f * r.nextFloat();
            for (int j = 0; j < d; j++) {
                row[j] = scale * (centre[j] + 0.3f * (float) r.nextGaussian());
            }
        }
        return m;
    }

    @Test
    void unboundedItFindsExactlyTheExactIndexsTopKWithItsScoresAndTies() {
        Random r = new Random(5);
        float[][] items = clusteredWithNormSpread(r, 6000, 16, 40);
        // Duplicated rows: equal scores must rank the lower row first, as the exact index does.
        System.arraycopy(items, 0, items, 3000, 200);
        float[][] queries = ItemGraphFileTest.gaussian(r, 60, 16);
        Hits[] exact = new ExactInnerProductIndex(items).search(queries, 50, null);
        Hits[] ivf = IvfInnerProductIndex.build(items, 64, 1).search(queries, 50, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(ivf[q].items()).containsExactly(exact[q].items());
            assertThat(ivf[q].scores()).containsExactly(exact[q].scores());
        }
    }

    @Test
    void neverReturnsAnExcludedItem() {
        Random r = new Random(6);
        float[][] items = clusteredWithNormSpread(r, 3000, 8, 20);
        float[][] queries = ItemGraphFileTest.gaussian(r, 20, 8);
        Hits[] best = new ExactInnerProductIndex(items).search(queries, 10, null);
        int[][] excluded = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            excluded[q] = Arrays.copyOf(best[q].items(), 5);
        }
        Hits[] exact = new ExactInnerProductIndex(items).search(queries, 10, excluded);
        Hits[] ivf = IvfInnerProductIndex.build(items, 32, 2).search(queries, 10, excluded);
        for (int q = 0; q < queries.length; q++) {
            assertThat(ivf[q].items()).doesNotContain(excluded[q]);
            assertThat(ivf[q].items()).containsExactly(exact[q].items());
        }
    }

    @Test
    void aCapOnTheListsVisitedTradesRecallForTime() {
        Random r = new Random(7);
        float[][] items = clusteredWithNormSpread(r, 8000, 16, 50);
        float[][] queries = ItemGraphFileTest.gaussian(r, 50, 16);
        Hits[] exact = new ExactInnerProductIndex(items).search(queries, 50, null);
        IvfInnerProductIndex index = IvfInnerProductIndex.build(items, 100, 3);
        double one = recall(exact, index.withMaxProbes(1).search(queries, 50, null));
        double many = recall(exact, index.withMaxProbes(30).search(queries, 50, null));
        assertThat(one).isLessThan(many);
        assertThat(many).isLessThanOrEqualTo(1.0);
        assertThat(index.lists()).isEqualTo(100);
    }

    @Test
    void fewerItemsThanListsOrThanKStillWork() {
        Random r = new Random(8);
        float[][] items = ItemGraphFileTest.gaussian(r, 7, 4);
        float[][] queries = ItemGraphFileTest.gaussian(r, 3, 4);
        Hits[] exact = new ExactInnerProductIndex(items).search(queries, 10, null);
        Hits[] ivf = IvfInnerProductIndex.build(items, 16, 1).search(queries, 10, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(ivf[q].items()).containsExactly(exact[q].items());
        }
    }

    @Test
    void retrievalIndexIvfIsExactWhileTheCatalogueFitsItsScanAndCappedAbove() {
        Random r = new Random(9);
        float[][] small = clusteredWithNormSpread(r, 5000, 8, 30);
        float[][] queries = ItemGraphFileTest.gaussian(r, 20, 8);
        InnerProductIndex ivf = IndexKind.parse("ivf").build(small);
        assertThat(ivf).isInstanceOf(IvfInnerProductIndex.class);
        Hits[] exact = new ExactInnerProductIndex(small).search(queries, 20, null);
        Hits[] found = ivf.search(queries, 20, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(found[q].items()).containsExactly(exact[q].items());
        }

        float[][] large = clusteredWithNormSpread(r, 40_000, 8, 100);
        IvfInnerProductIndex capped = IvfInnerProductIndex.forCatalogue(large);
        // About 2 sqrt(n) lists, a power of two; the cap visits about 8,192 items' worth of them.
        assertThat(capped.lists()).isEqualTo(512);
        assertThat(capped.maxProbes()).isEqualTo(106);
        double recall =
                recall(
                        new ExactInnerProductIndex(large).search(queries, 50, null),
                        capped.search(queries, 50, null));
        assertThat(recall).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theListsACappedSearchVisitsAreTheBestBoundedOnesInOrder() {
        Random r = new Random(10);
        for (int count : new int[] {1, 3, 17, 100, 2048}) {
            long[] keys = r.longs(2048).toArray();
            long[] sorted = keys.clone();
            Arrays.sort(sorted);
            assertThat(IvfInnerProductIndex.bestFirst(keys.clone(), count))
                    .containsExactly(Arrays.copyOfRange(sorted, 2048 - count, 2048));
        }
    }

    static double recall(Hits[] truth, Hits[] found) {
        int hit = 0;
        int total = 0;
        for (int q = 0; q < truth.length; q++) {
            Set<Integer> t = new HashSet<>();
            Arrays.stream(truth[q].items()).forEach(t::add);
            hit += (int) Arrays.stream(found[q].items()).filter(t::contains).count();
            total += t.size();
        }
        return hit / (double) total;
    }
}
