package org.sdmstream.local.flink;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to run a local standalone Flink cluster: where it keeps its files, how many TaskManagers with
 * how many slots, process sizes, the JVM class path, and extra {@code config.yaml} entries (which
 * win over the defaults of {@link FlinkClusterConfig}).
 */
public record FlinkClusterSettings(
        Path workDir,
        int taskManagers,
        int slotsPerTaskManager,
        String jobManagerProcessSize,
        String taskManagerProcessSize,
        List<Path> classpath,
        Map<String, String> extraConfig) {

    public FlinkClusterSettings {
        if (taskManagers < 0 || slotsPerTaskManager < 1) {
            throw new IllegalArgumentException(
                    "need >= 0 TaskManagers with >= 1 slot, got "
                            + taskManagers
                            + " x "
                            + slotsPerTaskManager);
        }
        classpath = List.copyOf(classpath);
        extraConfig = Map.copyOf(extraConfig);
    }

    /**
     * One TaskManager with two slots, sized for a small shared machine (JobManager 1024 MB,
     * TaskManager 1280 MB process memory), on this JVM's cluster class path.
     */
    public static FlinkClusterSettings small(Path workDir) {
        return new FlinkClusterSettings(
                workDir, 1, 2, "1024m", "1280m", ClusterClasspath.ofThisJvm(), Map.of());
    }

    public FlinkClusterSettings withTaskManagers(int n, int slots) {
        return new FlinkClusterSettings(
                workDir,
                n,
                slots,
                jobManagerProcessSize,
                taskManagerProcessSize,
                classpath,
                extraConfig);
    }

    /** These settings with more {@code config.yaml} entries (later ones win). */
    public FlinkClusterSettings withConfig(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(extraConfig);
        merged.putAll(more);
        return new FlinkClusterSettings(
                workDir,
                taskManagers,
                slotsPerTaskManager,
                jobManagerProcessSize,
                taskManagerProcessSize,
                classpath,
                merged);
    }
}
