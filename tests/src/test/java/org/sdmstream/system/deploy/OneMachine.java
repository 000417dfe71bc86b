package org.sdmstream.system.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sdmstream.local.flink.FlinkClusterConfig;

/**
 * The only differences between docker/compose.yaml's containers and processes on this one machine,
 * each a named rewrite with its reason. Everything else runs as written; {@link
 * ComposeDeploymentITCase} checks which keys these rewrites changed.
 */
final class OneMachine {

    static final String LOOPBACK = "127.0.0.1";

    /**
     * Broker settings LocalKafkaBroker sets itself: its loopback listeners, controller and data
     * directory.
     */
    private static final Set<String> BROKER_ADDRESSES =
            Set.of("listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs");

    private final Path volumes;
    private final Path tmpDir;

    /**
     * Named volumes become directories under {@code volumes}; the containers' {@code /tmp} becomes
     * {@code tmpDir}.
     */
    OneMachine(Path volumes, Path tmpDir) {
        this.volumes = volumes.toAbsolutePath();
        this.tmpDir = tmpDir.toAbsolutePath();
    }

    /**
     * The Flink configuration a container of {@code service} runs with: docker/conf/config.yaml,
     * then what the Flink image's entrypoint writes over it (jobmanager.rpc.address: {@code
     * JOB_MANAGER_RPC_ADDRESS}, else the container's own host name), then the service's {@code
     * FLINK_PROPERTIES}.
     */
    static Map<String, String> flinkConfigAsWritten(ComposeService service) {
        Map<String, String> config = new LinkedHashMap<>(DeploymentFiles.flinkConfig());
        config.put(
                "jobmanager.rpc.address",
                service.environment().getOrDefault("JOB_MANAGER_RPC_ADDRESS", service.hostname()));
        config.putAll(service.flinkProperties());
        return config;
    }

    /**
     * {@code asWritten} for {@code processes} Flink processes of {@code service} on this machine.
     */
    Map<String, String> flinkConfig(
            Map<String, String> asWritten,
            ComposeService jobManager,
            ComposeService service,
            int processes) {
        Map<String, String> config = new LinkedHashMap<>(asWritten);
        // Service name: the compose network resolves the JobManager's host name to its container;
        // here, to this machine.
        config.replaceAll((key, value) -> value.equals(jobManager.hostname()) ? LOOPBACK : value);
        // Wildcard binds: 0.0.0.0 is a container's own network namespace; here it would open the
        // machine's interfaces.
        config.replaceAll((key, value) -> value.equals("0.0.0.0") ? LOOPBACK : value);
        config.replaceAll(
                (key, value) ->
                        !key.endsWith(".port") || !value.matches("\\d+")
                                ? value
                                // Metrics ports: every container serves Prometheus on the same
                                // port; here each process needs its
                                // own, and Flink's reporter takes the first free port of a range.
                                : key.startsWith("metrics.reporter.")
                                        ? portRange(processes)
                                        // Fixed ports: every container has its own; here other
                                        // clusters on the machine may hold them.
                                        : Integer.toString(FlinkClusterConfig.freePort()));
        // Volumes: a named volume's mount path is a directory of this machine.
        config.replaceAll((key, value) -> onVolume(value, service));
        // The container's /tmp: one of its own, short (RocksDB names its LOG files after paths
        // under it).
        config.replaceAll(
                (key, value) ->
                        key.equals("io.tmp.dirs") && value.equals("/tmp")
                                ? tmpDir.toString()
                                : value);
        return config;
    }

    /**
     * {@code asWritten} job arguments of {@code jobManager} against the broker at {@code
     * bootstrapServers}.
     */
    Map<String, String> jobArguments(
            Map<String, String> asWritten,
            ComposeService jobManager,
            ComposeService broker,
            String bootstrapServers) {
        Map<String, String> args = new LinkedHashMap<>(asWritten);
        args.replaceAll(
                (key, value) -> onVolume(onBroker(value, broker, bootstrapServers), jobManager));
        return args;
    }

    /** A command line of an sdm service against the broker at {@code bootstrapServers}. */
    List<String> sdmArguments(
            List<String> asWritten, ComposeService broker, String bootstrapServers) {
        return asWritten.stream().map(a -> onBroker(a, broker, bootstrapServers)).toList();
    }

    /**
     * The apache/kafka image's {@code KAFKA_*} variables as broker settings ({@code
     * KAFKA_MESSAGE_MAX_BYTES} is {@code message.max.bytes}; {@code ___} is {@code -}, {@code __}
     * is {@code _}), less the listeners, controller quorum and log directories, which
     * LocalKafkaBroker binds to loopback ports and its data directory.
     */
    static Map<String, String> brokerConfig(Map<String, String> environment) {
        Map<String, String> config = new LinkedHashMap<>();
        environment.forEach(
                (name, value) -> {
                    if (name.startsWith("KAFKA_")) {
                        String key =
                                name.substring("KAFKA_".length())
                                        .toLowerCase()
                                        .replace("___", "\u0001")
                                        .replace("__", "\u0002")
                                        .replace('_', '.')
                                        .replace('\u0001', '-')
                                        .replace('\u0002', '_');
                        if (!BROKER_ADDRESSES.contains(key)) {
                            config.put(key, value);
                        }
                    }
                });
        return config;
    }

    /**
     * Broker address: {@code kafka:19092} reaches the broker's container in the compose network
     * only.
     */
    private static String onBroker(String value, ComposeService broker, String bootstrapServers) {
        return value.replaceAll("\\b" + broker.hostname() + ":\\d+", bootstrapServers);
    }

    private String onVolume(String value, ComposeService service) {
        for (String[] mount : service.volumes()) {
            Path local = volumes.resolve(mount[0]);
            for (String scheme : List.of("", "file://")) {
                String target = scheme + mount[1];
                if (value.equals(target) || value.startsWith(target + "/")) {
                    return scheme + local + value.substring(target.length());
                }
            }
        }
        return value;
    }

    private static String portRange(int ports) {
        int first = FlinkClusterConfig.freePorts(ports);
        return first + "-" + (first + ports - 1);
    }
}
