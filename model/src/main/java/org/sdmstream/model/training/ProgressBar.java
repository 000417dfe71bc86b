package org.sdmstream.model.training;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr: epoch, batch, loss, examples/s and ETA; epoch summaries below
 * it.
 */
public final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final int epochs;

    /**
     * Without a terminal (a log file, a CI job) carriage returns pile up: print plain lines
     * instead.
     */
    private final boolean redraw;

    private long lastDraw;

    public ProgressBar(int epochs) {
        this(System.err, epochs);
    }

    public ProgressBar(PrintStream out, int epochs) {
        this(new PrintWriter(out, true), epochs);
    }

    public ProgressBar(PrintWriter out, int epochs) {
        this(out, epochs, System.console() != null);
    }

    /**
     * @param redraw redraw one line with carriage returns (terminals) or print a line per 10%
     *     (logs)
     */
    public ProgressBar(PrintWriter out, int epochs, boolean redraw) {
        this.out = out;
        this.epochs = epochs;
        this.redraw = redraw;
    }

    @Override
    public void onBatch(
            int epoch,
            int batch,
            int batchesInEpoch,
            double loss,
            double examplesPerSecond,
            double eta) {
        long now = System.nanoTime();
        if (!redraw) {
            int tenth = Math.max(1, batchesInEpoch / 10);
            if (batch % tenth == 0 && batch < batchesInEpoch) {
                out.printf(
                        "epoch %d/%d batch %d/%d loss %.4f  %.0f ex/s  ETA %s%n",
                        epoch,
                        epochs,
                        batch,
                        batchesInEpoch,
                        loss,
                        examplesPerSecond,
                        duration(eta));
                out.flush();
            }
            return;
        }
        // A few redraws per second are enough for the eye.
        if (batch < batchesInEpoch && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) ((long) WIDTH * batch / Math.max(1, batchesInEpoch));
        out.printf(
                "\repoch %d/%d [%s%s] %d/%d loss %.4f  %.0f ex/s  ETA %s   ",
                epoch,
                epochs,
                "=".repeat(filled),
                " ".repeat(WIDTH - filled),
                batch,
                batchesInEpoch,
                loss,
                examplesPerSecond,
                duration(eta));
        out.flush();
    }

    @Override
    public void onEpoch(EpochResult r) {
        out.printf(
                (redraw ? "%n" : "")
                        + "epoch %d: train loss %.4f, validation loss %s, %d examples in %.1f s%s%n",
                r.epoch(),
                r.trainLoss(),
                Double.isNaN(r.validationLoss()) ? "-" : String.format("%.4f", r.validationLoss()),
                r.examples(),
                r.seconds(),
                r.improved() ? " (best so far)" : "");
        out.flush();
    }

    @Override
    public void onMessage(String message) {
        out.println(message);
        out.flush();
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format("%dm%02ds", s / 60, s % 60);
    }
}
