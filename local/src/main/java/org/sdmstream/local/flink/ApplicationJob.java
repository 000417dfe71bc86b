package org.sdmstream.local.flink;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job an application cluster runs, as Flink's {@code standalone-job} takes it: the job jar
 * (placed in {@code usrlib/}), {@code --job-classname}, an optional {@code --fromSavepoint} and the
 * program arguments.
 */
public record ApplicationJob(
        Path jobJar, String jobClassName, List<String> args, String savepointPath) {

    public ApplicationJob {
        args = List.copyOf(args);
    }

    public static ApplicationJob of(Path jobJar, String jobClassName, List<String> args) {
        return new ApplicationJob(jobJar, jobClassName, args, null);
    }

    /** The same job, restored from {@code path} (a savepoint or a retained checkpoint). */
    public ApplicationJob fromSavepoint(String path) {
        return new ApplicationJob(jobJar, jobClassName, args, path);
    }

    /** The entry point's arguments after its {@code --configDir} and dynamic configs. */
    List<String> entryPointArguments() {
        List<String> out = new ArrayList<>(List.of("--job-classname", jobClassName));
        if (savepointPath != null) {
            out.addAll(List.of("--fromSavepoint", savepointPath));
        }
        out.addAll(args);
        return out;
    }
}
