package org.sdmstream.cli.job;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.sdmstream.job.UserInterestJob;
import org.sdmstream.local.flink.FlinkRestClient;

/**
 * Starts the {@link UserInterestJob} on an in-process Flink MiniCluster (shut down when the job
 * ends), with the web UI on a loopback port.
 */
public final class LocalFlink {

    private LocalFlink() {}

    /** A started job and the port of its web UI. */
    public record Started(JobClient job, int webUiPort) {
        public String webUi() {
            return "http://127.0.0.1:" + webUiPort;
        }

        /**
         * Waits until every task of the job runs (a savepoint needs them all); false on timeout or
         * when the job ended. Asks the REST API, because the job is RUNNING before its tasks are
         * deployed.
         */
        public boolean awaitTasksRunning(Duration timeout) throws InterruptedException {
            return LocalFlink.awaitTasksRunning(job, webUi(), timeout);
        }
    }

    /**
     * Waits until every task of {@code job} runs; false on timeout or when the job ended. Asks the
     * REST API at {@code webUi}, because the job is RUNNING before its tasks are deployed.
     */
    public static boolean awaitTasksRunning(JobClient job, String webUi, Duration timeout)
            throws InterruptedException {
        FlinkRestClient rest = new FlinkRestClient(webUi);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    return false;
                }
                if (rest.jobStatus(job.getJobID().toString()).isFullyRunning()) {
                    return true;
                }
            } catch (IOException | ExecutionException | TimeoutException e) {
                // Not answering yet; ask again.
            } catch (IllegalStateException e) {
                return false; // the job already ended and its MiniCluster is gone (a short bounded
                // job)
            }
            Thread.sleep(200);
        }
        return false;
    }

    /**
     * Submits the job. {@code webUiPort} 0 picks a free port; {@code restoreFrom} (may be null) is
     * a savepoint or retained checkpoint to start from.
     */
    public static Started start(UserInterestJob job, int webUiPort, String restoreFrom)
            throws Exception {
        int port = webUiPort > 0 ? webUiPort : freePort();
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, port);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        return new Started(job.start(conf), port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
