package org.sdmstream.model.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExactInnerProductIndexTest {

    private static int[][] topK(float[][] items, float[][] queries, int k, int[][] excluded) {
        return java.util.Arrays.stream(
                        new ExactInnerProductIndex(items).search(queries, k, excluded))
                .map(Hits::items)
                .toArray(int[][]::new);
    }

    /**
     * Brute force: score every item with a plain dot product, sort by score desc then index asc.
     */
    private static int[] bruteForce(float[][] items, float[] query, int k, Set<Integer> excluded) {
        float[] scores = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            float s = 0;
            for (int j = 0; j < query.length; j++) {
                s += query[j] * items[i][j];
            }
            scores[i] = s;
        }
        return IntStream.range(0, items.length)
                .boxed()
                .filter(i -> !excluded.contains(i))
                .sorted(
                        Comparator.<Integer>comparingDouble(i -> -scores[i])
                                .thenComparingInt(i -> i))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static float[][] random(Random r, int n, int d, boolean integers) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = integers ? r.nextInt(3) - 1 : (float) r.nextGaussian();
            }
        }
        return m;
    }

    @Test
    void matchesBruteForceOnRandomDataAcrossBlocks() {
        Random r = new Random(7);
        // 2,500 items = 3 item blocks (the last partial); 70 queries = 3 query blocks
        float[][] items = random(r, 2500, 24, false);
        float[][] queries = random(r, 70, 24, false);
        int[][] top = topK(items, queries, 100, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(top[q])
                    .as("query %d", q)
                    .containsExactly(bruteForce(items, queries[q], 100, Set.of()));
        }
    }

    @Test
    void tiesRankTheLowerIndexFirst() {
        Random r = new Random(11);
        // entries in {-1, 0, 1} over 4 dimensions: scores take few values, so ties are everywhere
        float[][] items = random(r, 1500, 4, true);
        float[][] queries = random(r, 40, 4, true);
        int[][] top = topK(items, queries, 50, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(top[q]).containsExactly(bruteForce(items, queries[q], 50, Set.of()));
        }
    }

    @Test
    void excludedItemsNeverAppear() {
        Random r = new Random(3);
        float[][] items = random(r, 2100, 8, false);
        float[][] queries = random(r, 33, 8, false);
        int[][] excluded = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            // exclude this query's own best 30 items plus some random ones
            int[] best = bruteForce(items, queries[q], 30, Set.of());
            int[] extra = r.ints(20, 0, items.length).toArray();
            excluded[q] = IntStream.concat(Arrays.stream(best), Arrays.stream(extra)).toArray();
        }
        int[][] top = topK(items, queries, 20, excluded);
        for (int q = 0; q < queries.length; q++) {
            Set<Integer> ex = new HashSet<>();
            Arrays.stream(excluded[q]).forEach(ex::add);
            assertThat(top[q]).containsExactly(bruteForce(items, queries[q], 20, ex));
            assertThat(top[q]).doesNotContain(excluded[q]);
        }
    }

    @Test
    void returnsTheWholeCatalogueWhenKExceedsIt() {
        float[][] items = {{1, 0}, {0, 1}, {1, 1}};
        int[][] top = topK(items, new float[][] {{2, 1}}, 10, new int[][] {{1}});
        assertThat(top[0]).containsExactly(2, 0);
    }

    @Test
    void scoresAreThePlainDotProductsOfTheHits() {
        Random r = new Random(5);
        float[][] items = random(r, 1300, 16, false);
        float[][] queries = random(r, 5, 16, false);
        Hits[] hits = new ExactInnerProductIndex(items).search(queries, 10, null);
        for (int q = 0; q < queries.length; q++) {
            for (int i = 0; i < hits[q].size(); i++) {
                // bit for bit: the exact and the HNSW index must report the same score for an item
                assertThat(hits[q].scores()[i])
                        .isEqualTo(InnerProductIndex.dot(queries[q], items[hits[q].items()[i]]));
            }
        }
    }
}
