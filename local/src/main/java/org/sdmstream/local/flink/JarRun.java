package org.sdmstream.local.flink;

import java.util.List;

/**
 * A request to run an uploaded job jar: entry class, program arguments, parallelism (0 = the
 * cluster's default) and an optional savepoint or retained checkpoint to start from.
 */
public record JarRun(
        String entryClass,
        List<String> args,
        int parallelism,
        String savepointPath,
        boolean allowNonRestoredState) {

    public JarRun {
        args = List.copyOf(args);
    }

    public static JarRun of(String entryClass, List<String> args, int parallelism) {
        return new JarRun(entryClass, args, parallelism, null, false);
    }

    /** The same run, starting from {@code path} (a savepoint or a retained checkpoint). */
    public JarRun fromSavepoint(String path) {
        return new JarRun(entryClass, args, parallelism, path, allowNonRestoredState);
    }

    public JarRun withParallelism(int p) {
        return new JarRun(entryClass, args, p, savepointPath, allowNonRestoredState);
    }

    public JarRun withArgs(List<String> newArgs) {
        return new JarRun(entryClass, newArgs, parallelism, savepointPath, allowNonRestoredState);
    }
}
