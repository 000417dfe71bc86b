package org.sdmstream.model.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HnswInnerProductIndexTest {

    private static float[][] gaussian(Random r, int n, int d) {
        float[][] m = new float[n][d];
        for (float[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    @Test
    void findsAtLeast95PercentOfTheExactTop50() {
        Random r = new Random(17);
        float[][] items = gaussian(r, 5000, 16);
        float[][] queries = gaussian(r, 100, 16);
        Hits[] exact = new ExactInnerProductIndex(items).search(queries, 50, null);
        Hits[] approximate = new HnswInnerProductIndex(items).search(queries, 50, null);
        int found = 0;
        for (int q = 0; q < queries.length; q++) {
            Set<Integer> truth = new HashSet<>();
            Arrays.stream(exact[q].items()).forEach(truth::add);
            found += (int) Arrays.stream(approximate[q].items()).filter(truth::contains).count();
            assertThat(approximate[q].size()).isEqualTo(50);
        }
        assertThat(found / (50.0 * queries.length)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void reportsExactScoresBestFirstAndNeverAnExcludedItem() {
        Random r = new Random(4);
        float[][] items = gaussian(r, 2000, 8);
        float[][] queries = gaussian(r, 20, 8);
        int[][] excluded = new int[queries.length][];
        Hits[] exact = new ExactInnerProductIndex(items).search(queries, 10, null);
        for (int q = 0; q < queries.length; q++) {
            excluded[q] = Arrays.copyOf(exact[q].items(), 5); // the five best must give way
        }
        Hits[] hits = new HnswInnerProductIndex(items).search(queries, 10, excluded);
        for (int q = 0; q < queries.length; q++) {
            assertThat(hits[q].items()).doesNotContain(excluded[q]);
            for (int i = 0; i < hits[q].size(); i++) {
                assertThat(hits[q].scores()[i])
                        .isEqualTo(InnerProductIndex.dot(queries[q], items[hits[q].items()[i]]));
                if (i > 0) {
                    assertThat(hits[q].scores()[i]).isLessThanOrEqualTo(hits[q].scores()[i - 1]);
                }
            }
        }
    }

    @Test
    void theSameTableGivesTheSameResults() {
        Random r = new Random(9);
        float[][] items = gaussian(r, 3000, 8);
        float[][] queries = gaussian(r, 10, 8);
        Hits[] a = new HnswInnerProductIndex(items).search(queries, 20, null);
        Hits[] b = new HnswInnerProductIndex(items).search(queries, 20, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(a[q].items()).containsExactly(b[q].items());
        }
    }

    @Test
    void anotherSearchBeamSharesTheGraphAndSearchesAsAnIndexBuiltWithIt() {
        Random r = new Random(11);
        float[][] items = gaussian(r, 3000, 8);
        float[][] queries = gaussian(r, 20, 8);
        HnswSettings narrow = new HnswSettings(8, 50, 20);
        HnswInnerProductIndex built = new HnswInnerProductIndex(items, narrow.withSearchBeam(300));
        HnswInnerProductIndex reused = new HnswInnerProductIndex(items, narrow).withSearchBeam(300);
        assertThat(reused.settings()).isEqualTo(new HnswSettings(8, 50, 300));
        assertThat(reused.bytes()).isEqualTo(built.bytes());
        Hits[] a = built.search(queries, 20, null);
        Hits[] b = reused.search(queries, 20, null);
        for (int q = 0; q < queries.length; q++) {
            assertThat(b[q].items()).containsExactly(a[q].items());
        }
    }

    @Test
    void settingsOutsideWhatLuceneBuildsAreRefused() {
        assertThatThrownBy(() -> new HnswSettings(0, 100, 200))
                .hasMessageContaining("max connections must be between 1 and 512");
        assertThatThrownBy(() -> new HnswSettings(16, 4000, 200))
                .hasMessageContaining("build beam");
        assertThatThrownBy(() -> HnswSettings.DEFAULTS.withSearchBeam(0))
                .hasMessageContaining("search beam");
        assertThat(HnswSettings.DEFAULTS.sameGraphAs(HnswSettings.DEFAULTS.withSearchBeam(50)))
                .isTrue();
        assertThat(HnswSettings.DEFAULTS.sameGraphAs(new HnswSettings(32, 100, 200))).isFalse();
    }

    @Test
    void aTinyOrEmptyTableReturnsWhatItHas() {
        assertThat(
                        new HnswInnerProductIndex(new float[][] {{1, 0}, {0, 1}})
                                .search(new float[][] {{1, 2}}, 5, null)[0].items())
                .containsExactly(1, 0);
        assertThat(
                        new HnswInnerProductIndex(new float[0][])
                                .search(new float[][] {{1, 2}}, 5, null)[0].size())
                .isZero();
    }
}
