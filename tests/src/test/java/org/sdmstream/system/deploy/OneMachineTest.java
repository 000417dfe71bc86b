package org.sdmstream.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pieces of {@link ComposeDeploymentITCase} that read compose.yaml, checked without processes.
 */
class OneMachineTest {

    private final ComposeFile compose = new ComposeFile();

    @Test
    void composeVariablesTakeTheirDefaultsAndEscapedDollarsStay() {
        assertThat(ComposeFile.withDefaults("${SDM_CLICK_RATE:-20}")).isEqualTo("20");
        assertThat(ComposeFile.withDefaults("a ${X-b} ${Y} $$Z")).isEqualTo("a b  $Z");
    }

    @Test
    void kafkaVariablesBecomeBrokerSettingsExceptItsAddresses() {
        Map<String, String> config =
                OneMachine.brokerConfig(
                        Map.of(
                                "KAFKA_MESSAGE_MAX_BYTES",
                                "8",
                                "KAFKA_A___B__C",
                                "x",
                                "KAFKA_LISTENERS",
                                "PLAINTEXT://:19092",
                                "KAFKA_LOG_DIRS",
                                "/var/lib/kafka",
                                "CLUSTER_ID",
                                "id"));

        assertThat(config)
                .containsExactlyInAnyOrderEntriesOf(Map.of("message.max.bytes", "8", "a-b_c", "x"));
        assertThat(OneMachine.brokerConfig(compose.service("kafka").environment()))
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("transaction.max.timeout.ms", "900000");
    }

    @Test
    void theTopicsServiceCreatesTheJobsTopicsWithItsPartitionsAndConfigs() {
        TopicsCommand topics = TopicsCommand.of(compose.service("topics"));

        assertThat(topics.topics()).containsAll(JobDefaults.topics(compose.jobArguments()));
        assertThat(topics.creationOf("clicks").partitions()).isEqualTo(4);
        assertThat(topics.creationOf("clicks").configs())
                .containsEntry("retention.ms", "-1")
                .containsEntry("max.message.bytes", "8388608");
        assertThat(topics.creationOf("user-vectors-latest").configs())
                .containsEntry("cleanup.policy", "compact")
                .doesNotContainKey("retention.ms");
    }

    @Test
    void onlyTheBrokerAddressAndVolumePathsOfTheJobArgumentsChange() {
        OneMachine machine = new OneMachine(Path.of("/work/volumes"), Path.of("/tmp/t"));
        Map<String, String> args =
                machine.jobArguments(
                        compose.jobArguments(),
                        compose.jobManager(),
                        compose.service("kafka"),
                        "127.0.0.1:1234");

        assertThat(args)
                .containsEntry("kafka.bootstrap-servers", "127.0.0.1:1234")
                .containsEntry(
                        "scoring.model-dir",
                        "/work/volumes/models/demo-models/generated-1000-5000-42-g5");
        args.forEach(
                (key, value) -> {
                    if (!key.equals("kafka.bootstrap-servers")
                            && !key.equals("scoring.model-dir")) {
                        assertThat(value).as(key).isEqualTo(compose.jobArguments().get(key));
                    }
                });
    }
}
