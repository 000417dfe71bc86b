package org.sdmstream.cli.options;

import java.io.PrintWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every subcommand takes ({@code -v}, {@code -q}) and where it reports: notes and summaries
 * go to standard error, so standard output carries only results. Add with {@code @Mixin
 * CommonOptions}.
 */
public final class CommonOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private boolean quiet;

    @Option(
            names = {"-v", "--verbose"},
            order = 40,
            description = "More log output on standard error: -v info, -vv debug.")
    void setVerbose(boolean[] verbose) {
        Level level =
                verbose.length >= 2 ? Level.DEBUG : verbose.length == 1 ? Level.INFO : Level.WARN;
        Configurator.setRootLevel(level);
    }

    @Option(
            names = {"-q", "--quiet"},
            order = 41,
            description = "No notes or summary on standard error, only errors.")
    void setQuiet(boolean quiet) {
        this.quiet = quiet;
    }

    public boolean quiet() {
        return quiet;
    }

    /** Standard output of the running command (results). */
    public PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    /** Standard error of the running command (notes, summaries, errors). */
    public PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** A note on standard error, prefixed with the command's name; nothing with {@code --quiet}. */
    public void note(String format, Object... args) {
        if (!quiet) {
            err().println(
                            mixee.qualifiedName()
                                    + ": "
                                    + String.format(java.util.Locale.ROOT, format, args));
            err().flush();
        }
    }

    /** A warning on standard error, shown even with {@code --quiet}. */
    public void warn(String format, Object... args) {
        err().println(
                        mixee.qualifiedName()
                                + ": warning: "
                                + String.format(java.util.Locale.ROOT, format, args));
        err().flush();
    }
}
