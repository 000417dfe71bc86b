package org.sdmstream.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.sdmstream.cli.bench.BenchCommand;
import org.sdmstream.cli.demo.DemoCommand;
import org.sdmstream.cli.evaluate.EvaluateCommand;
import org.sdmstream.cli.index.IndexCommand;
import org.sdmstream.cli.job.JobCommand;
import org.sdmstream.cli.publish.PublishCommand;
import org.sdmstream.cli.recommend.RecommendCommand;
import org.sdmstream.cli.sessions.SessionsCommand;
import org.sdmstream.cli.split.SplitCommand;
import org.sdmstream.cli.tail.TailCommand;
import org.sdmstream.cli.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code sdm} command line: the root command that holds the subcommands. Exit codes: 0 ok, 1
 * runtime error (bad input, I/O, a failed job), 2 usage error. Results go to standard output,
 * everything else (progress, summaries, logs) to standard error.
 */
@Command(
        name = "sdm",
        mixinStandardHelpOptions = true,
        versionProvider = SdmCommand.Version.class,
        description =
                "Real-time user interest vectors: sessions, training, evaluation and the streaming job.",
        synopsisSubcommandLabel = "COMMAND",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:runtime error (bad input, I/O, a failed job)", "2:usage error"},
        subcommands = {
            SessionsCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            SplitCommand.class,
            RecommendCommand.class,
            IndexCommand.class,
            DemoCommand.class,
            PublishCommand.class,
            TailCommand.class,
            JobCommand.class,
            BenchCommand.class,
            // New subcommands go here, one class each (train, evaluate, demo, job, publish, tail):
            // a @Command class implementing Callable<Integer>, using the mixins in
            // org.sdmstream.cli.options.
            CommandLine.HelpCommand.class,
        })
public final class SdmCommand implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_RUNTIME_ERROR = 1;
    public static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        CommandLine cmd = newCommandLine();
        // Results are UTF-8 whatever the platform's default charset (a C locale would give ASCII).
        cmd.setOut(
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cmd.setErr(
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(cmd.execute(args));
    }

    /** The configured command line; tests set its out/err writers and call {@code execute}. */
    public static CommandLine newCommandLine() {
        CommandLine cmd = new CommandLine(new SdmCommand());
        cmd.setExecutionExceptionHandler(new RuntimeErrorHandler());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /** Reads the version from the jar manifest ({@code dev} when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SdmCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "sdm " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"
            };
        }
    }
}
