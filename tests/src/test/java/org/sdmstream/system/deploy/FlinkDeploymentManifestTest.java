package org.sdmstream.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;

/**
 * docker/k8s/flink-deployment.yaml read with the Flink Kubernetes Operator's own API classes (a
 * field the operator does not know fails here), and held to the job's keys, docker/compose.yaml and
 * docker/conf/config.yaml.
 */
class FlinkDeploymentManifestTest {

    /**
     * config.yaml keys that place processes in Docker's network; the operator sets them on
     * Kubernetes.
     */
    private static final Set<String> DOCKER_PLACEMENT =
            Set.of(
                    "jobmanager.rpc.address",
                    "jobmanager.rpc.port",
                    "jobmanager.bind-host",
                    "taskmanager.bind-host",
                    "rest.address",
                    "rest.bind-address",
                    "rest.port",
                    "blob.server.port");

    /** config.yaml keys that name Docker's shared volume; Kubernetes uses a shared URI instead. */
    private static final Set<String> SHARED_STORAGE =
            Set.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir");

    private final FlinkDeployment deployment =
            read(DeploymentFiles.yaml(DeploymentFiles.K8S_MANIFEST));

    @Test
    void theManifestNamesTheFlinkVersionTheJobIsBuiltFor() {
        String[] version = EnvironmentInformation.getVersion().split("\\.");
        assertThat(spec(DeploymentFiles.yaml(DeploymentFiles.K8S_MANIFEST)).get("flinkVersion"))
                .isEqualTo("v" + version[0] + "_" + version[1]);
    }

    @Test
    void aFieldTheOperatorDoesNotKnowFailsTheBuild() {
        Map<String, Object> manifest = DeploymentFiles.yaml(DeploymentFiles.K8S_MANIFEST);
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) spec(manifest).get("job");
        job.put("upgradeMod", "savepoint");
        assertThatThrownBy(() -> read(manifest)).hasMessageContaining("upgradeMod");
    }

    @Test
    void theJobRunsInApplicationModeAndUpgradesThroughASavepoint() {
        assertThat(deployment.getSpec().getJob()).as("spec.job: application mode").isNotNull();
        assertThat(deployment.getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(deployment.getSpec().getJob().getJarURI())
                .startsWith("local:///opt/flink/usrlib/");
        assertThat(DeploymentFiles.text(DeploymentFiles.DOCKERFILE))
                .as("the image holds the job jar")
                .contains(URI.create(deployment.getSpec().getJob().getJarURI()).getPath());
    }

    @Test
    void haCheckpointsAndSavepointsLiveOnASharedFilesystem() {
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        assertThat(conf).containsEntry("high-availability.type", "kubernetes");
        for (String key :
                Set.of(
                        "high-availability.storageDir",
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir")) {
            String scheme = URI.create(conf.getOrDefault(key, "")).getScheme();
            assertThat(scheme)
                    .as(key + " is a shared filesystem URI")
                    .isNotNull()
                    .isNotEqualTo("file");
        }
    }

    @Test
    void theJobHasTheComposeFilesClassAndKeys() {
        ComposeFile compose = new ComposeFile();
        assertThat(deployment.getSpec().getJob().getEntryClass()).isEqualTo(compose.jobClass());
        Map<String, String> args =
                JobDefaults.jobArguments(
                        java.util.List.of(deployment.getSpec().getJob().getArgs()));
        assertThat(args.keySet())
                .containsExactlyInAnyOrderElementsOf(compose.jobArguments().keySet());
        args.keySet()
                .forEach(
                        k ->
                                assertThat(JobDefaults.isKnownKey(k))
                                        .as("the job knows " + k)
                                        .isTrue());
        assertThat(URI.create(args.get("scoring.model-dir")).getScheme())
                .as("the model comes from a URI")
                .isNotNull();
    }

    @Test
    void theFlinkConfigurationIsTheDockerOne() {
        Map<String, String> kubernetes = deployment.getSpec().getFlinkConfiguration();
        Map<String, String> docker = new LinkedHashMap<>(DeploymentFiles.flinkConfig());
        // The operator sizes the processes from spec.*.resource.memory.
        assertThat(deployment.getSpec().getJobManager().getResource().getMemory())
                .isEqualTo(docker.remove("jobmanager.memory.process.size"));
        assertThat(deployment.getSpec().getTaskManager().getResource().getMemory())
                .isEqualTo(docker.remove("taskmanager.memory.process.size"));
        docker.keySet().removeAll(DOCKER_PLACEMENT);
        docker.keySet().removeAll(SHARED_STORAGE);
        docker.forEach(
                (key, value) ->
                        assertThat(kubernetes)
                                .as("flinkConfiguration as in config.yaml")
                                .containsEntry(key, value));
    }

    @Test
    void podsRunOnAmd64Nodes() {
        // TensorFlow Java's native library is x86_64 only.
        assertThat(deployment.getSpec().getPodTemplate().getSpec().getNodeSelector())
                .containsEntry("kubernetes.io/arch", "amd64");
    }

    /**
     * The manifest bound to the operator's {@link FlinkDeployment}, unknown fields failing. The
     * newest operator API on Maven Central (1.10) predates Flink 2.x in its {@link FlinkVersion},
     * so the version is checked on its own ({@link
     * #theManifestNamesTheFlinkVersionTheJobIsBuiltFor}) and bound as the newest it knows.
     */
    private static FlinkDeployment read(Map<String, Object> manifest) {
        spec(manifest).put("flinkVersion", FlinkVersion.current().name());
        return new ObjectMapper()
                .setAnnotationIntrospector(new StrictOperatorClasses())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .convertValue(manifest, FlinkDeployment.class);
    }

    /**
     * The operator's spec classes say {@code ignoreUnknown = true} (the API server's CRD schema is
     * their check); without a cluster, this reads them strictly. Fabric8's own classes (the pod
     * template) keep theirs.
     */
    private static final class StrictOperatorClasses extends JacksonAnnotationIntrospector {
        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(
                MapperConfig<?> config, Annotated a) {
            JsonIgnoreProperties.Value v = super.findPropertyIgnoralByName(config, a);
            return a.getRawType().getName().startsWith("org.apache.flink.kubernetes.operator.")
                    ? v.withoutIgnoreUnknown()
                    : v;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<String, Object> manifest) {
        return (Map<String, Object>) manifest.get("spec");
    }
}
