package org.sdmstream.cli.bench;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The measurements of one benchmark run, printed as a Markdown table with the derived ratios. */
record BenchReport(BenchSettings settings, Map<String, Double> results, Map<String, String> notes) {

    void print(PrintWriter out) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put(
                "job",
                settings.scoringModel() == null
                        ? "UserInterestJob, scoring off"
                        : "UserInterestJob, scoring off and on ("
                                + settings.scoringModel().getFileName()
                                + ")");
        rows.put("clicks pre-filled", String.format("%,d", settings.clicks()));
        rows.put(
                "partitions / parallelism", settings.partitions() + " / " + settings.parallelism());
        rows.put("state backend", "rocksdb (incremental checkpoints)");
        rows.put("checkpoint interval", settings.checkpointInterval().toMillis() + " ms");
        rows.put(
                "cores available to the JVM",
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        results.forEach((name, value) -> rows.put(name, format(name, value)));
        Double eo = results.get("sustained exactly-once (clicks/s)");
        Double alo = results.get("sustained at-least-once (clicks/s)");
        Double raw = results.get("raw Kafka read (clicks/s)");
        if (eo != null && alo != null && alo > 0) {
            rows.put("ratio exactly-once / at-least-once", String.format("%.2f", eo / alo));
        }
        Double heap = results.get("sustained at-least-once on heap state (clicks/s)");
        if (heap != null && alo != null && heap > 0) {
            rows.put(
                    "ratio RocksDB / heap state (at-least-once)",
                    String.format("%.2f", alo / heap));
        }
        if (alo != null && raw != null && raw > 0) {
            rows.put("ratio at-least-once / raw Kafka read", String.format("%.3f", alo / raw));
        }
        Double scored = results.get("sustained scored at-least-once (clicks/s)");
        if (scored != null && alo != null && alo > 0) {
            rows.put(
                    "ratio scored / unscored (at-least-once)", String.format("%.2f", scored / alo));
        }
        Double topK =
                results.get(
                        "sustained "
                                + PipelineBenchmark.topKLabel(settings.topK())
                                + " (clicks/s)");
        if (topK != null && scored != null && scored > 0) {
            rows.put(
                    "ratio scored + top-" + settings.topK() + " / scored (at-least-once)",
                    String.format("%.2f", topK / scored));
        }
        rows.putAll(notes);
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        int valueWidth =
                Math.max(14, rows.values().stream().mapToInt(String::length).max().orElse(10));
        out.println();
        out.printf("| %-" + width + "s | %" + valueWidth + "s |%n", "sdm bench", "");
        out.println("|" + "-".repeat(width + 2) + "|" + "-".repeat(valueWidth + 2) + "|");
        rows.forEach(
                (name, value) ->
                        out.printf("| %-" + width + "s | %" + valueWidth + "s |%n", name, value));
        out.flush();
    }

    private static String format(String name, double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (name.contains("MiB") || name.contains("(s)") || name.contains("event time / wall")) {
            return String.format("%,.1f", value);
        }
        if (name.contains("share")) {
            return String.format("%.2f", value);
        }
        return String.format("%,.0f", value);
    }
}
