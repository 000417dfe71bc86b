package org.sdmstream.job.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sdmstream.features.SessionRules;
import org.sdmstream.job.TestClicks;
import org.sdmstream.job.TinyModel;
import org.sdmstream.model.export.ModelMetadata;
import org.sdmstream.model.scoring.SdmScorer;
import org.sdmstream.records.ClickEvent;

/**
 * Models named by URI are copied once into a cache keyed by their content hash, checked, and loaded
 * from there.
 */
class ModelCacheTest {

    @TempDir static Path tmp;

    static Path model;

    @BeforeAll
    static void export() {
        List<ClickEvent> clicks =
                TestClicks.userClicks(
                        new Random(3), 6, TestClicks.T0, TestClicks.T0 + TestClicks.DAY, "m");
        model = TinyModel.export(clicks, SessionRules.DEFAULT, tmp.resolve("exported"), "cache-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", MirrorFileSystemFactory.SCHEME})
    void aModelByUriIsCopiedOnceUnderItsContentHashAndLoadsFromThere(String scheme)
            throws IOException {
        Path cache = tmp.resolve("cache-" + scheme);
        String uri = scheme + "://" + model.toAbsolutePath();
        Path local = ModelCache.cached(uri, cache);
        String hash = ModelMetadata.read(model.resolve(ModelMetadata.FILE_NAME)).contentHash();
        assertThat(local).isEqualTo(cache.resolve(hash));
        assertThat(local.resolve("vocab/items.txt"))
                .hasSameBinaryContentAs(model.resolve("vocab/items.txt"));
        SdmScorer.load(local).close();

        // A second TaskManager (or a restart) on the machine reuses the copy.
        Files.writeString(local.resolve("marker"), "kept");
        assertThat(ModelCache.cached(uri, cache)).isEqualTo(local);
        assertThat(local.resolve("marker")).exists();
        try (var entries = Files.list(cache)) {
            assertThat(entries.toList()).containsExactly(local);
        }
    }

    @Test
    void aPlainPathIsLoadedInPlace() {
        assertThat(ModelCache.isUri(model.toString())).isFalse();
        assertThat(ModelCache.localDirectory(model.toString())).isEqualTo(model);
        assertThat(ModelCache.isUri("s3://bucket/models/v1")).isTrue();
    }

    @Test
    void aModelWhoseFilesChangedSinceExportIsRefusedAndNotCached() throws IOException {
        Path copy = tmp.resolve("changed");
        try (var files = Files.walk(model)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(model.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.writeString(
                copy.resolve("vocab/users.txt"), "someone-else\n", StandardOpenOption.APPEND);
        Path cache = tmp.resolve("cache-refused");
        assertThatThrownBy(() -> ModelCache.cached("file://" + copy.toAbsolutePath(), cache))
                .hasMessageContaining("vocab/users.txt")
                .hasMessageContaining("differs");
        try (var entries = Files.list(cache)) {
            assertThat(entries.toList()).as("nothing half-copied is left").isEmpty();
        }
    }
}
