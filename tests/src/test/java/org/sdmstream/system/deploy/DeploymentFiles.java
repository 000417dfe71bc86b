package org.sdmstream.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Where the deployment files live in the repository, read as text or as YAML (anchors and merge
 * keys resolved).
 */
final class DeploymentFiles {

    /** The repository root: the tests module's parent. */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    static final Path COMPOSE = ROOT.resolve("docker/compose.yaml");
    static final Path FLINK_CONFIG = ROOT.resolve("docker/conf/config.yaml");
    static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");
    static final Path DOCKER_IGNORE = ROOT.resolve("docker/Dockerfile.dockerignore");
    static final Path K8S_MANIFEST = ROOT.resolve("docker/k8s/flink-deployment.yaml");
    static final Path OPERATIONS_DOC = ROOT.resolve("docs/operations.md");

    private DeploymentFiles() {}

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(Path file) {
        return new Yaml().load(text(file));
    }

    /**
     * Flink's config.yaml as flat keys ({@code a: {b: 1}} is {@code a.b = 1}), values as strings.
     */
    static Map<String, String> flinkConfig() {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", yaml(FLINK_CONFIG), flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> node, Map<String, String> into) {
        node.forEach(
                (k, v) -> {
                    String key = prefix + k;
                    if (v instanceof Map<?, ?> child) {
                        flatten(key + ".", child, into);
                    } else if (v instanceof List<?> list) {
                        into.put(
                                key, String.join(";", list.stream().map(String::valueOf).toList()));
                    } else {
                        into.put(key, String.valueOf(v));
                    }
                });
    }
}
