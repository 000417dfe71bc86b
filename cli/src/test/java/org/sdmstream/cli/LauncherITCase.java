package org.sdmstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/sdm} launcher as a process on the packaged jar and its copied
 * dependencies (the failsafe phase comes after {@code package}), with building switched off.
 */
class LauncherITCase {

    static Path root;

    @TempDir Path dir;

    @BeforeAll
    static void findRepository() {
        // Failsafe runs in the module directory: the launcher lies one level up.
        root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("bin/sdm")).isExecutable();
    }

    record Result(int exitCode, String out, String err) {}

    private Result sdm(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/sdm").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectOutput(dir.resolve("stdout").toFile())
                        .redirectError(dir.resolve("stderr").toFile());
        pb.environment().put("SDM_NO_BUILD", "1");
        pb.environment().put("LANG", "C"); // ASCII default charset: output must still be UTF-8
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("sdm finished").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
    }

    @Test
    void runsSessionsFromAnyDirectoryWithUtf8Output() throws Exception {
        Files.writeString(
                dir.resolve("log.tsv"),
                "u\ti\tt\nü\tcafé\t60\nü\tthé\t61\n",
                StandardCharsets.UTF_8);
        Result r =
                sdm("sessions", "--input", "log.tsv", "--user", "u", "--item", "i", "--time", "t");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .isEqualTo(
                        "{\"userId\":\"ü\",\"sessionId\":\"ü@60000\",\"start\":60000,\"end\":61000,"
                                + "\"items\":[\"café\",\"thé\"],\"longTerm\":[]}\n");
        assertThat(r.err()).contains("1 users, 1 sessions, 2 clicks, 0 bad rows");
    }

    @Test
    void exitCodesReachTheShell() throws Exception {
        Result usage = sdm("sessions", "--preset", "movielens");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("give exactly one of --input FILE or --dataset-dir DIR");

        Result missing = sdm("sessions", "--input", "absent.inter", "--preset", "movielens");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
        assertThat(missing.out()).isEmpty();

        Result ok = sdm("--version");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).startsWith("sdm 0.1.0");
    }

    @Test
    void theJvmGetsTheAvroOptionAndTheRegistryJar() throws Exception {
        // SDM_JAVA_OPTS is appended last; -XshowSettings prints the effective properties on stderr.
        ProcessBuilder pb =
                new ProcessBuilder("bash", root.resolve("bin/sdm").toString(), "--version")
                        .redirectErrorStream(true);
        pb.environment().put("SDM_NO_BUILD", "1");
        pb.environment().put("SDM_JAVA_OPTS", "-XshowSettings:properties");
        Process p = pb.start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(all).isZero();
        assertThat(all).contains("org.apache.avro.SERIALIZABLE_PACKAGES = org.sdmstream.records");
        // The schema registry the demo starts for --wire-format registry.
        assertThat(all)
                .contains(
                        "sdm.registry.app.jar = "
                                + root.resolve("registry-app/target/registry-app-runner.jar"));
    }
}
