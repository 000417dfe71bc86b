package org.sdmstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The latency phase's CPU split counts a thread's CPU under its own name only. */
class ThreadCpuTest {

    @Test
    void countsTheNamedThreadsCpuSinceTheSnapshot() throws Exception {
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread spinner =
                new Thread(
                        () -> {
                            long until = System.nanoTime() + 300_000_000L;
                            long x = 0;
                            while (System.nanoTime() < until) {
                                x += System.nanoTime() % 7;
                            }
                            spun.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            if (x == 42) {
                                System.out.println(x);
                            }
                        },
                        "spinner-under-test");
        ThreadCpu before = ThreadCpu.now();
        spinner.start();
        spun.await();
        ThreadCpu after = ThreadCpu.now();
        release.countDown();
        spinner.join();

        double spinnerSeconds =
                after.secondsSince(before, -1, name -> name.equals("spinner-under-test"));
        // 0.3 s of wall time spinning; on a busy machine the thread gets less than all of it.
        assertThat(spinnerSeconds).isBetween(0.05, 0.5);
        assertThat(after.secondsSince(before, -1, name -> name.equals("no-such-thread"))).isZero();
        // The kernel's view (native threads included) names it by its first 15 characters.
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertThat(after.secondsByGroupSince(before))
                    .hasEntrySatisfying(
                            "spinner-under-t", seconds -> assertThat(seconds).isBetween(0.03, 0.5));
        }
        // By id: this thread only waited, so it used far less than the spinner.
        assertThat(after.secondsSince(before, Thread.currentThread().getId(), name -> false))
                .isLessThan(spinnerSeconds);
    }
}
