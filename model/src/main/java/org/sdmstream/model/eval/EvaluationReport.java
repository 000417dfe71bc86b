package org.sdmstream.model.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes an {@link EvaluationRun} as a Markdown table (results.md), JSON (results.json) and a
 * grouped bar chart of HR@K and NDCG@K (results.svg), and prints the table.
 */
public final class EvaluationReport {

    public static final String MARKDOWN = "results.md";
    public static final String JSON = "results.json";
    public static final String SVG = "results.svg";

    private final EvaluationRun run;

    public EvaluationReport(EvaluationRun run) {
        this.run = run;
    }

    /** Writes the three files into {@code dir} (created if missing). */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKDOWN), markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(JSON), json(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SVG), svg(), StandardCharsets.UTF_8);
    }

    public void print(PrintStream out) {
        out.print(markdown());
    }

    public String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("# Evaluation: leave-last-out\n\n");
        s.append(
                String.format(
                        Locale.ROOT,
                        "Data: %s; %d clicks, %d for training; %d users evaluated, %d skipped (fewer than 2 clicks); "
                                + "seed %d; seen items %s.%n%n",
                        run.dataset(),
                        run.clicks(),
                        run.trainingClicks(),
                        run.evaluatedUsers(),
                        run.skippedUsers(),
                        run.seed(),
                        run.excludeSeen() ? "excluded" : "not excluded"));
        s.append(
                "| Model | K | HitRate@K | Recall@K | Precision@K | F1@K | NDCG@K | train s | eval s |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ModelResult model : run.models()) {
            for (MetricsAtK m : model.metrics()) {
                s.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %d | %.4f | %.4f | %.5f | %.5f | %.4f | %.1f | %.1f |%n",
                                model.name().replace("|", "\\|"),
                                m.k(),
                                m.hitRate(),
                                m.recall(),
                                m.precision(),
                                m.f1(),
                                m.ndcg(),
                                model.trainSeconds(),
                                model.evaluateSeconds()));
            }
        }
        return s.toString();
    }

    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode protocol = root.putObject("protocol");
        protocol.put("split", "leave-last-out");
        protocol.put("dataset", run.dataset());
        protocol.put("clicks", run.clicks());
        protocol.put("trainingClicks", run.trainingClicks());
        protocol.put("evaluatedUsers", run.evaluatedUsers());
        protocol.put("skippedUsers", run.skippedUsers());
        protocol.put("excludeSeen", run.excludeSeen());
        protocol.put("seed", run.seed());
        ArrayNode ks = protocol.putArray("ks");
        run.ks().forEach(ks::add);
        ArrayNode models = root.putArray("models");
        for (ModelResult model : run.models()) {
            ObjectNode m = models.addObject();
            m.put("name", model.name());
            m.put("trainSeconds", model.trainSeconds());
            m.put("evaluateSeconds", model.evaluateSeconds());
            ObjectNode metrics = m.putObject("metrics");
            for (MetricsAtK at : model.metrics()) {
                ObjectNode k = metrics.putObject(Integer.toString(at.k()));
                k.put("users", at.users());
                k.put("hitRate", at.hitRate());
                k.put("recall", at.recall());
                k.put("precision", at.precision());
                k.put("f1", at.f1());
                k.put("ndcg", at.ndcg());
            }
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the evaluation report", e);
        }
    }

    public String svg() {
        return ComparisonChart.svg(run);
    }
}
