package org.sdmstream.local.flink;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path of the local Flink processes: what flink-dist's {@code lib/} holds, taken from
 * this JVM's class path. Everything a job jar bundles is left out (our modules, the Kafka
 * connector, Kafka clients, Avro, flink-avro), because {@code org.apache.flink.*} loads
 * parent-first: a connector on the cluster's class path would shadow the job's own copy and run
 * against the wrong Kafka client. TensorFlow Java (tensorflow-core-api, tensorflow-core-native,
 * tensorflow-framework, ndarray, javacpp, protobuf-java) is the exception the other way round: it
 * belongs to the cluster, as in flink-dist's {@code lib/}, and loads parent-first, because its
 * native library can load only once per JVM.
 */
public final class ClusterClasspath {

    /** File-name prefixes of jars that belong to a job, not to the cluster. */
    private static final List<String> JOB_SIDE =
            List.of(
                    "sdm-",
                    "flink-connector-kafka",
                    "flink-avro",
                    "avro-",
                    "kafka",
                    "scala",
                    "junit",
                    "assertj",
                    "jqwik",
                    "opentest4j",
                    "apiguardian",
                    "surefire",
                    "failsafe");

    private ClusterClasspath() {}

    /**
     * The cluster's share of {@code java.class.path} (directories, i.e. module classes, are
     * job-side too).
     */
    public static List<Path> ofThisJvm() {
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry);
            String name = path.getFileName().toString();
            if (Files.isDirectory(path)
                    || !name.endsWith(".jar")
                    || JOB_SIDE.stream().anyMatch(name::startsWith)) {
                continue;
            }
            out.add(path);
        }
        if (out.stream()
                .noneMatch(p -> p.getFileName().toString().startsWith("flink-runtime-web"))) {
            throw new IllegalStateException(
                    "flink-runtime-web is not on this JVM's class path; the local cluster"
                            + " needs the sdm-local module's dependencies (class path: "
                            + System.getProperty("java.class.path")
                            + ")");
        }
        return out;
    }

    static String join(List<Path> classpath) {
        return String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList());
    }
}
