package org.sdmstream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.sdmstream.features.clicklog.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception from a subcommand into one clear message on standard error and exit code 1.
 * Expected failures (bad input, I/O, invalid values) print their message only; anything else is a
 * bug and prints its stack trace too.
 */
final class RuntimeErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        String prefix = cmd.getCommandSpec().qualifiedName() + ": error: ";
        if (isExpected(ex)) {
            cmd.getErr().println(prefix + describe(ex));
        } else {
            cmd.getErr().println(prefix + ex);
            ex.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return SdmCommand.EXIT_RUNTIME_ERROR;
    }

    private static boolean isExpected(Throwable ex) {
        return ex instanceof BadInputException
                || ex instanceof IOException
                || ex instanceof UncheckedIOException
                || ex instanceof IllegalArgumentException;
    }

    private static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            return u.getMessage() + ": " + u.getCause();
        }
        if (ex instanceof IOException && ex.getMessage() != null) {
            return ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }
}
