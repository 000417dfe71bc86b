package org.sdmstream.features.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests find downloaded data sets (never committed): {@code SDM_DATA_DIR}, else {@code
 * -Dsdm.data.dir}, else {@code ../shared/data}. A test whose data is absent is skipped with a
 * message saying where it looked, unless {@code SDM_REQUIRE_DATA=true} (or {@code
 * -Dsdm.require-data=true}) says the data must be there, as {@code .ci/run} does wherever the data
 * exists: then absence fails the test, so CI never goes green by skipping.
 */
public final class TestData {

    private TestData() {}

    /** The ml-100k directory (RecBole atomic files). */
    public static Path movieLens100k() {
        return locate(dataDir(), "ml-100k", "ml-100k.inter", required());
    }

    static Path locate(String dataDir, String dataSet, String marker, boolean required) {
        Path dir = Path.of(dataDir, dataSet);
        if (Files.isRegularFile(dir.resolve(marker))) {
            return dir;
        }
        String message =
                dataSet
                        + " not found under "
                        + dir.toAbsolutePath()
                        + " (set SDM_DATA_DIR or -Dsdm.data.dir to the directory holding "
                        + dataSet
                        + "/)";
        if (required) {
            throw new AssertionError(
                    message + "; the data is required here (SDM_REQUIRE_DATA / sdm.require-data)");
        }
        Assumptions.abort(message + "; skipping");
        return dir; // not reached
    }

    private static String dataDir() {
        String dir = System.getenv("SDM_DATA_DIR");
        if (dir == null || dir.isBlank()) {
            dir = System.getProperty("sdm.data.dir");
        }
        return dir == null || dir.isBlank() ? "../shared/data" : dir;
    }

    private static boolean required() {
        return Boolean.parseBoolean(System.getenv("SDM_REQUIRE_DATA"))
                || Boolean.parseBoolean(System.getProperty("sdm.require-data"));
    }
}
