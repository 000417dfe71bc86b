package org.sdmstream.features.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class TestDataTest {

    @TempDir Path tmp;

    @Test
    void absentDataSkipsByDefaultAndFailsWhenRequired() {
        String missing = tmp.resolve("nothing").toString();
        assertThatThrownBy(() -> TestData.locate(missing, "ml-100k", "ml-100k.inter", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("skipping");
        assertThatThrownBy(() -> TestData.locate(missing, "ml-100k", "ml-100k.inter", true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("required");
    }

    @Test
    void presentDataIsFound() throws IOException {
        Files.createDirectories(tmp.resolve("ml-100k"));
        Files.writeString(tmp.resolve("ml-100k/ml-100k.inter"), "");
        assertThat(TestData.locate(tmp.toString(), "ml-100k", "ml-100k.inter", true))
                .isEqualTo(tmp.resolve("ml-100k"));
    }
}
