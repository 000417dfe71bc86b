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
                !settings.scored()
                        ? "UserInterestJob, scoring off"
                        : "UserInterestJob, scoring off and on ("
                                + String.join(
                                        ", ",
                                        settings.scoringModels().stream()
                                                .map(BenchSettings.ScoringModel::describe)
                                                .toList())
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
        for (BenchSettings.ScoringModel model : settings.scoringModels()) {
            String job = scoredJob(model);
            Double scored = results.get("sustained " + job + "at-least-once (clicks/s)");
            Double topK =
                    results.get(
                            "sustained "
                                    + PipelineBenchmark.topKLabel(job, settings.topK())
                                    + " (clicks/s)");
            if (topK != null && scored != null && scored > 0) {
                rows.put(
                        "ratio "
                                + job
                                + "+ top-"
                                + settings.topK()
                                + " / "
                                + job
                                + "(at-least-once)",
                        String.format("%.2f", topK / scored));
            }
        }
        rows.put("watermark alignment", alignment());
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
        printSummary(out);
        out.flush();
    }

    /**
     * The prefix of a scored job's result names, e.g. "scored default ": its phases are named
     * "scored default at-least-once" and so on.
     */
    static String scoredJob(BenchSettings.ScoringModel model) {
        return "scored " + model.label() + " ";
    }

    private String alignment() {
        String drift = settings.jobSettings().get("watermark.alignment.max-drift");
        return drift == null
                ? "off (the replay runs event time far faster than real time; docs/benchmarks.md)"
                : "max drift " + drift + " (--set)";
    }

    /**
     * One row per job and delivery guarantee: clicks/s, the ratio to the unscored job with the same
     * guarantee, CPU (bench JVM + broker) per click, and the at-least-once latency phase's p50 and
     * p99.
     */
    private void printSummary(PrintWriter out) {
        Map<String, String> jobs = new LinkedHashMap<>();
        jobs.put("unscored", "");
        for (BenchSettings.ScoringModel model : settings.scoringModels()) {
            jobs.put("scored, " + model.describe(), scoredJob(model));
        }
        out.println();
        out.println(
                "| job | delivery | clicks/s | scored / unscored | CPU µs per click (JVM + broker) "
                        + "| latency p50 / p99 (ms) |");
        out.println("|---|---|---:|---:|---:|---|");
        jobs.forEach(
                (job, prefix) -> {
                    for (String delivery : java.util.List.of("at-least-once", "exactly-once")) {
                        Double rate = results.get("sustained " + prefix + delivery + " (clicks/s)");
                        if (rate == null) {
                            continue;
                        }
                        Double unscored = results.get("sustained " + delivery + " (clicks/s)");
                        Double perCpuSecond =
                                results.get(prefix + delivery + " clicks per CPU-second");
                        Double p50 = results.get(prefix + "latency p50 (ms)");
                        Double p99 = results.get(prefix + "latency p99 (ms)");
                        out.printf(
                                "| %s | %s | %,.0f | %s | %s | %s |%n",
                                job,
                                delivery,
                                rate,
                                unscored == null || unscored <= 0
                                        ? "n/a"
                                        : String.format("%.2f", rate / unscored),
                                perCpuSecond == null || perCpuSecond <= 0
                                        ? "n/a"
                                        : String.format("%.0f", 1e6 / perCpuSecond),
                                delivery.equals("at-least-once") && p50 != null && p99 != null
                                        ? format("", p50) + " / " + format("", p99)
                                        : "");
                    }
                });
    }

    private static String format(String name, double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (name.contains("MiB") || name.contains("(s)") || name.contains("event time / wall")) {
            return String.format("%,.1f", value);
        }
        if (name.contains("share") || name.contains("(cores)")) {
            return String.format("%.2f", value);
        }
        return String.format("%,.0f", value);
    }
}
