package org.sdmstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sdmstream.system.ClickScript.HOUR;
import static org.sdmstream.system.ClickScript.MINUTE;
import static org.sdmstream.system.ClickScript.T0;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sdmstream.job.TinyModel;
import org.sdmstream.job.kafka.KafkaOptions;
import org.sdmstream.job.scoring.ScoringOptions;
import org.sdmstream.local.flink.FlinkProcess;
import org.sdmstream.local.flink.FlinkRestClient;
import org.sdmstream.records.ClickEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model errors of the scoring job on the standalone cluster (restart strategy: 1000 attempts, 1 s
 * apart): a missing model directory fails the submission with the reason and starts no job; a model
 * changed on disk before a restore (a TaskManager killed after a checkpoint) fails the job with the
 * reason instead of restarting it forever, and a resubmission from the retained checkpoint is
 * refused until the model is fixed. Inputs the model refuses are tested in flink-jobs'
 * ScoringFailuresITCase (the refusing model is injected).
 */
@ExtendWith(SystemUnderTest.Shared.class)
class ModelErrorsITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ModelErrorsITCase.class);

    @Test
    void aMissingModelDirectoryFailsTheSubmissionWithTheReasonAndStartsNoJob(SystemUnderTest sut)
            throws Exception {
        try (JobDeployment pipeline = new JobDeployment(sut, "model-missing")) {
            Path missing = sut.workDir.resolve("models/never-exported");
            pipeline.configure(KafkaOptions.USER_VECTORS_TOPIC, pipeline.topic("user-vectors"))
                    .configure(ScoringOptions.MODEL_DIR, missing.toString());
            var jobsBefore = sut.flink.rest().jobs().keySet();

            assertThatThrownBy(() -> pipeline.submit(pipeline.run(2)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(
                            "cannot score with the model in "
                                    + missing
                                    + " (scoring.model-dir): "
                                    + missing
                                    + " is not an exported model: no saved_model.pb; the job was not submitted");
            assertThat(sut.flink.rest().jobs().keySet())
                    .as("no job was started")
                    .isEqualTo(jobsBefore);
        }
    }

    @Test
    void aModelChangedBeforeARestoreFailsTheJobWithTheReasonInsteadOfRestartingForever(
            SystemUnderTest sut) throws Exception {
        List<ClickEvent> training =
                ClickScript.users(new Random(17), "me-train", 6, T0 - 3 * HOUR, T0 - HOUR);
        Path model =
                TinyModel.export(
                        training,
                        ClickScript.RULES,
                        sut.workDir.resolve("models/changed"),
                        "me-v1");
        try (JobDeployment pipeline = new JobDeployment(sut, "model-changed")) {
            FlinkRestClient rest = sut.flink.rest();
            String vectors = pipeline.topic("user-vectors");
            pipeline.configure(KafkaOptions.USER_VECTORS_TOPIC, vectors)
                    .configure(ScoringOptions.MODEL_DIR, model.toString());
            String job = pipeline.submit(pipeline.run(2));
            List<ClickEvent> clicks =
                    new ArrayList<>(
                            ClickScript.users(new Random(18), "me", 5, T0, T0 + 20 * MINUTE));
            clicks.addAll(ClickScript.flush("me", T0 + 21 * MINUTE));
            ClickFeeder.writeAll(sut.broker.bootstrapServers(), pipeline.records(clicks));
            int expected = ClickScript.count(ClickScript.expectedByUser(clicks));
            assertThat(pipeline.read(vectors, expected))
                    .as("the model scores before it is changed")
                    .hasSize(expected);
            String checkpoint =
                    rest.awaitCheckpointAfter(
                                    job, rest.checkpoints(job).latestId(), Duration.ofMinutes(1))
                            .latestPath();

            // Someone rewrites a vocabulary in place; the running job has it in memory and goes on.
            Path vocabulary;
            try (var files = Files.list(model.resolve("vocab"))) {
                vocabulary = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
            }
            Files.writeString(vocabulary, "an-item-added-in-place\n", StandardOpenOption.APPEND);
            // The next restore loads it from disk.
            FlinkProcess victim = sut.flink.taskManagers().get(0);
            long killedAt = System.nanoTime();
            sut.flink.killTaskManager(victim);
            sut.flink.startTaskManager();
            rest.awaitState(job, "FAILED", Duration.ofMinutes(2));
            long failedAfter = SystemUnderTest.ms(killedAt, System.nanoTime());
            String exceptions = exceptions(sut, job);
            assertThat(exceptions)
                    .contains("SuppressRestartsException")
                    .contains(
                            "the model in "
                                    + model
                                    + " (scoring.model-dir) could not be loaded: model "
                                    + model
                                    + " does not match the content recorded in its")
                    .contains(vocabulary.getFileName().toString());
            LOG.info(
                    "model changed before a restore: job {} FAILED {} ms after the TaskManager kill, checkpoint {} retained",
                    job,
                    failedAfter,
                    checkpoint);

            // Resubmitting from the retained checkpoint is refused at once, for the same reason.
            assertThatThrownBy(() -> pipeline.submit(pipeline.run(2).fromSavepoint(checkpoint)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(
                            "cannot score with the model in " + model + " (scoring.model-dir)")
                    .hasMessageContaining("the job was not submitted");
        }
    }

    /**
     * The job's exception history, whole stack traces (the REST client keeps only their first
     * lines).
     */
    static String exceptions(SystemUnderTest sut, String job)
            throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        sut.flink.restUrl()
                                                                + "/jobs/"
                                                                + job
                                                                + "/exceptions"))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return response.body().replace("\\n", "\n").replace("\\t", "\t");
    }
}
