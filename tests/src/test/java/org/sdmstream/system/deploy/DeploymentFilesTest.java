package org.sdmstream.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.sdmstream.cli.demo.DemoModel;
import org.sdmstream.features.generate.GeneratorConfig;

/**
 * docker/compose.yaml, docker/Dockerfile and docker/conf/config.yaml read against the job's own
 * configuration and the official images' behaviour, so that a deployment that cannot produce
 * vectors fails the build here (no container engine runs on the build machines;
 * docs/operations.md).
 */
class DeploymentFilesTest {

    /** {@code $$NAME} or {@code $${NAME...}}: a variable the container's shell reads. */
    private static final Pattern CONTAINER_VARIABLE =
            Pattern.compile("\\$\\$\\{?([A-Z_][A-Z0-9_]*)");

    private final ComposeFile compose = new ComposeFile();

    @Test
    void theBrokerIsFormattedWithAKafkaClusterId() {
        // The apache/kafka image runs kafka-storage.sh format --cluster-id=$CLUSTER_ID, which needs
        // a Kafka Uuid.
        String clusterId = compose.service("kafka").environment().get("CLUSTER_ID");
        assertThatCode(() -> Uuid.fromString(clusterId))
                .as("CLUSTER_ID " + clusterId)
                .doesNotThrowAnyException();
    }

    @Test
    void everyFlinkServiceFindsTheJobManagerByItsServiceName() {
        // The Flink image's entrypoint writes jobmanager.rpc.address = JOB_MANAGER_RPC_ADDRESS,
        // else its own host name.
        String jobManager = compose.jobManager().name();
        assertThat(compose.flinkServices()).hasSizeGreaterThanOrEqualTo(2);
        for (ComposeService s : compose.flinkServices()) {
            assertThat(rpcAddress(s))
                    .as("jobmanager.rpc.address of " + s.name())
                    .isEqualTo(jobManager);
        }
    }

    @Test
    void theTopicsServiceCreatesEveryTopicTheJobUses() {
        String script = String.join(" ", compose.service("topics").argv());
        for (String topic : JobDefaults.topics(jobArguments())) {
            assertThat(script)
                    .as("the topics service creates " + topic)
                    .containsPattern("(^|[\\s\"'])" + Pattern.quote(topic) + "($|[\\s\"';])");
        }
        String latest = jobArguments().getOrDefault("topic.latest-vectors", "");
        if (!latest.isBlank()) {
            assertThat(TopicsCommand.of(compose.service("topics")).creationOf(latest).configs())
                    .as("the topic of each user's newest vector is compacted")
                    .containsEntry("cleanup.policy", "compact");
        }
    }

    @Test
    void containerScriptsReadOnlyVariablesTheirServiceSets() {
        // A shell default inside the container would hide that the operator's setting never reaches
        // it.
        for (ComposeService s : compose.services()) {
            Matcher m = CONTAINER_VARIABLE.matcher(String.join(" ", s.argv()));
            while (m.find()) {
                assertThat(s.environment())
                        .as(s.name() + " reads $" + m.group(1))
                        .containsKey(m.group(1));
            }
        }
    }

    @Test
    void everyComposeVariableHasADefaultOrIsDocumented() {
        String docs = DeploymentFiles.text(DeploymentFiles.OPERATIONS_DOC);
        for (ComposeFile.Variable v : compose.variables()) {
            if (!v.hasDefault()) {
                assertThat(docs)
                        .as("docs/operations.md documents ${" + v.name() + "}")
                        .contains(v.name());
            }
        }
    }

    @Test
    void theJobManagerRunsTheJobInApplicationMode() throws Exception {
        String entryClass = compose.jobClass();
        Method main = Class.forName(entryClass).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers()))
                .as(entryClass + ".main is static")
                .isTrue();
    }

    @Test
    void everyJobArgumentIsAJobKey() {
        assertThat(jobArguments()).isNotEmpty();
        for (String key : jobArguments().keySet()) {
            assertThat(JobDefaults.isKnownKey(key)).as("the job knows " + key).isTrue();
        }
    }

    @Test
    void theJobScoresWithTheModelThatTheModelServiceTrainsIntoASharedVolume() {
        String modelDir = jobArguments().getOrDefault("scoring.model-dir", "");
        assertThat(modelDir).as("scoring.model-dir").isNotBlank();
        String[] mount = mountHolding(compose.jobManager(), modelDir);
        for (ComposeService flink : compose.flinkServices()) {
            assertThat(mountHolding(flink, modelDir))
                    .as(flink.name() + " mounts the model")
                    .isEqualTo(mount);
        }
        ComposeService trainer = compose.sdmCommand("demo");
        assertThat(trainer.volumes())
                .as("the model service writes the volume")
                .anyMatch(
                        v -> v[0].equals(mount[0]) && v[1].equals(mount[1]) && !v[2].equals("ro"));
        assertThat(compose.jobManager().dependsOn(trainer.name()))
                .isEqualTo("service_completed_successfully");
        // sdm demo caches its model in $SDM_HOME/demo-models under the name DemoModel gives the
        // generator's shape, which carries the graph generation (a cached model of an older graph
        // is
        // trained again): the job must point where this release's sdm demo writes.
        GeneratorConfig shape =
                GeneratorConfig.defaults()
                        .withUsers(Integer.parseInt(trainer.flag("--users", "1000")))
                        .withItems(Integer.parseInt(trainer.flag("--items", "5000")))
                        .withSeed(Long.parseLong(trainer.flag("--seed", "42")));
        assertThat(modelDir)
                .isEqualTo(
                        trainer.environment().get("SDM_HOME")
                                + "/demo-models/"
                                + DemoModel.generatedDirName(shape, DemoModel.Size.SMALL));
    }

    @Test
    void generatedClicksGoInAndVectorsAreRead() {
        Map<String, String> args = jobArguments();
        List<String> topics = JobDefaults.topics(args);
        ComposeService generator = compose.sdmCommand("publish");
        ComposeService trainer = compose.sdmCommand("demo");
        assertThat(generator.command()).contains("--generate");
        assertThat(generator.flag("--topic", "clicks"))
                .isEqualTo(args.getOrDefault("topic.clicks", topics.get(0)));
        assertThat(generator.flag("--bootstrap-servers", ""))
                .isEqualTo(args.get("kafka.bootstrap-servers"));
        for (String flag : List.of("--users", "--items", "--seed")) {
            assertThat(generator.flag(flag, "default"))
                    .as("the clicks are like the model's training clicks: " + flag)
                    .isEqualTo(trainer.flag(flag, "default"));
        }
        ComposeService reader = compose.sdmCommand("tail");
        assertThat(reader.flag("--topic", "user-vectors"))
                .isEqualTo(
                        args.getOrDefault(
                                "topic.user-vectors",
                                JobDefaults.defaults().get("topic.user-vectors")));
        assertThat(reader.flag("--bootstrap-servers", ""))
                .isEqualTo(args.get("kafka.bootstrap-servers"));
    }

    @Test
    void prometheusMetricsArePublished() {
        Map<String, String> flink = DeploymentFiles.flinkConfig();
        String port =
                flink.entrySet().stream()
                        .filter(e -> e.getKey().matches("metrics\\.reporter\\.[^.]+\\.port"))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "config.yaml configures no metrics reporter port"));
        assertThat(flink)
                .containsValue("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        for (ComposeService s : compose.flinkServices()) {
            assertThat(s.ports())
                    .as(s.name() + " publishes " + port)
                    .anyMatch(p -> p.endsWith(":" + port));
        }
    }

    @Test
    void theJobManagerHasAHealthCheck() {
        assertThat(compose.jobManager().get("healthcheck")).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) compose.jobManager().get("healthcheck")).get("test")).isNotNull();
    }

    @Test
    void imagesWithTensorFlowArePinnedToAmd64() {
        for (ComposeService s : compose.services()) {
            if (s.get("build") != null) {
                assertThat(s.platform())
                        .as(s.name() + " (TensorFlow's native library is x86_64 only)")
                        .isEqualTo("linux/amd64");
            }
        }
    }

    @Test
    void rescalingByScalingTaskManagersIsPromisedOnlyWithReactiveMode() {
        if (compose.text().contains("--scale")) {
            assertThat(DeploymentFiles.flinkConfig()).containsEntry("scheduler-mode", "reactive");
        }
    }

    @Test
    void aRestartCanRestoreTheJobFromASavepoint() {
        String script = String.join(" ", compose.jobManager().argv());
        assertThat(script).contains("--fromSavepoint");
        assertThat(DeploymentFiles.flinkConfig())
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION");
    }

    @Test
    void theFlinkImageRunsItsRootStepsAsRootAndFlinkAsItsUser() {
        // The official image ends with USER flink (apache/flink-docker's Dockerfile): a RUN that
        // writes
        // outside /opt/flink needs USER root, and the image must end as flink again.
        String user = "flink";
        List<String> stage = flinkStage();
        assertThat(stage).isNotEmpty();
        for (String line : stage) {
            String[] words = line.split("\\s+");
            if (words[0].equals("USER")) {
                user = words[1];
            } else if (words[0].equals("RUN")) {
                assertThat(user).as("user of: " + line).isEqualTo("root");
            }
        }
        assertThat(user).as("the user Flink runs as").isEqualTo("flink");
    }

    @Test
    void theBuildContextHoldsEveryFileTheDockerfileCopies() {
        List<String> included = new ArrayList<>();
        for (String line : DeploymentFiles.text(DeploymentFiles.DOCKER_IGNORE).split("\n")) {
            if (line.startsWith("!")) {
                included.add(line.substring(1).trim());
            }
        }
        for (String line : DeploymentFiles.text(DeploymentFiles.DOCKERFILE).split("\n")) {
            List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
            if (!words.get(0).equals("COPY") || line.contains("--from=")) {
                continue;
            }
            words.removeIf(w -> w.startsWith("--"));
            for (String source : words.subList(1, words.size() - 1)) {
                String path = source.replaceAll("/$", "");
                assertThat(included)
                        .as("Dockerfile.dockerignore lets in " + source)
                        .anyMatch(
                                p ->
                                        p.equals(path)
                                                || FileSystems.getDefault()
                                                        .getPathMatcher("glob:" + p)
                                                        .matches(Path.of(path)));
            }
        }
    }

    /**
     * The instructions of the Dockerfile stage built on the official Flink image (after its FROM).
     */
    private static List<String> flinkStage() {
        List<String> stage = new ArrayList<>();
        boolean inFlinkStage = false;
        for (String raw : DeploymentFiles.text(DeploymentFiles.DOCKERFILE).split("\n")) {
            String line = raw.trim();
            if (line.startsWith("FROM ")) {
                inFlinkStage = line.matches(".*\\sflink:\\S+.*");
            } else if (inFlinkStage && !line.isEmpty() && !line.startsWith("#")) {
                stage.add(line);
            }
        }
        return stage;
    }

    private Map<String, String> jobArguments() {
        return compose.jobArguments();
    }

    /**
     * The volume mount ({@code [source, target, mode]}) of {@code service} whose target holds
     * {@code path}.
     */
    private static String[] mountHolding(ComposeService service, String path) {
        return service.volumes().stream()
                .filter(v -> path.startsWith(v[1] + "/"))
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        service.name() + " mounts no volume holding " + path));
    }

    /** jobmanager.rpc.address as the Flink image's entrypoint will set it for {@code service}. */
    private static String rpcAddress(ComposeService service) {
        String address =
                Objects.requireNonNullElse(
                        service.environment().get("JOB_MANAGER_RPC_ADDRESS"),
                        "(the container's host name)");
        return service.flinkProperties().getOrDefault("jobmanager.rpc.address", address);
    }
}
