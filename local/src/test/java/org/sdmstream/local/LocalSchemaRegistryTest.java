package org.sdmstream.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSchemaRegistryTest {

    @Test
    void aMissingApplicationJarSaysHowToBuildIt(@TempDir Path dir) {
        assertThatThrownBy(() -> LocalSchemaRegistry.start(dir.resolve("absent.jar"), dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absent.jar")
                .hasMessageContaining("mvn -pl registry-app package");
    }

    @Test
    void withoutThePropertyItNamesIt() {
        String before = System.clearProperty(LocalSchemaRegistry.APP_JAR_PROPERTY);
        try {
            assertThatThrownBy(LocalSchemaRegistry::appJar)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(LocalSchemaRegistry.APP_JAR_PROPERTY)
                    .hasMessageContaining("registry-app-runner.jar");
        } finally {
            if (before != null) {
                System.setProperty(LocalSchemaRegistry.APP_JAR_PROPERTY, before);
            }
        }
    }
}
