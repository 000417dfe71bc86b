package org.sdmstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class EvaluationReportTest {

    private static ModelResult model(String name, double hr20, double hr50) {
        return new ModelResult(
                name,
                List.of(
                        new MetricsAtK(20, 900, hr20, hr20, hr20 / 20, 2 * hr20 / 21, hr20 / 3),
                        new MetricsAtK(50, 900, hr50, hr50, hr50 / 50, 2 * hr50 / 51, hr50 / 3.5)),
                1.25,
                0.5);
    }

    private final EvaluationRun run =
            new EvaluationRun(
                    "ml-100k <test> & co",
                    100_000,
                    98_114,
                    943,
                    0,
                    List.of(20, 50),
                    false,
                    42,
                    List.of(model("popular", 0.05, 0.1), model("sdm <tf>", 0.08, 0.17)));

    @Test
    void markdownHasOneRowPerModelAndK() {
        String md = new EvaluationReport(run).markdown();
        List<String> rows = md.lines().filter(l -> l.startsWith("|")).toList();
        assertThat(rows).hasSize(2 + 4);
        assertThat(rows.get(0)).contains("HitRate@K", "Recall@K", "Precision@K", "F1@K", "NDCG@K");
        assertThat(rows.get(2))
                .isEqualTo(
                        "| popular | 20 | 0.0500 | 0.0500 | 0.00250 | 0.00476 | 0.0167 | 1.3 | 0.5 |");
        assertThat(rows.get(5)).startsWith("| sdm <tf> | 50 | 0.1700 |");
        assertThat(rows)
                .allSatisfy(r -> assertThat(r.chars().filter(c -> c == '|').count()).isEqualTo(10));
        assertThat(md).contains("943 users evaluated");
    }

    @Test
    void jsonIsValidAndCarriesEveryNumber() throws Exception {
        JsonNode root = new ObjectMapper().readTree(new EvaluationReport(run).json());
        assertThat(root.at("/protocol/evaluatedUsers").asInt()).isEqualTo(943);
        assertThat(root.at("/protocol/dataset").asText()).isEqualTo("ml-100k <test> & co");
        assertThat(root.at("/protocol/ks/1").asInt()).isEqualTo(50);
        assertThat(root.at("/models/1/name").asText()).isEqualTo("sdm <tf>");
        assertThat(root.at("/models/1/metrics/50/hitRate").asDouble())
                .isCloseTo(0.17, within(1e-12));
        assertThat(root.at("/models/0/metrics/20/precision").asDouble())
                .isCloseTo(0.0025, within(1e-12));
        assertThat(root.at("/models/0/trainSeconds").asDouble()).isEqualTo(1.25);
    }

    @Test
    void svgIsWellFormedWithOneBarPerModelMetricAndK(@TempDir Path dir) throws Exception {
        new EvaluationReport(run).writeTo(dir.resolve("out"));
        assertThat(dir.resolve("out").resolve(EvaluationReport.MARKDOWN)).exists();
        assertThat(dir.resolve("out").resolve(EvaluationReport.JSON)).exists();
        byte[] svg = Files.readAllBytes(dir.resolve("out").resolve(EvaluationReport.SVG));

        Document doc =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(new ByteArrayInputStream(svg));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        // 2 models x (HR, NDCG) x 2 Ks bars, plus the background and two legend swatches
        assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(8 + 1 + 2);
        String text = new String(svg, StandardCharsets.UTF_8);
        assertThat(text).contains("HR@20", "NDCG@50", "sdm &lt;tf&gt;");
    }

    @Test
    void axisTopIsARoundNumberAboveTheLargestValue() {
        assertThat(ComparisonChart.niceCeiling(0.17)).isCloseTo(0.2, within(1e-12));
        assertThat(ComparisonChart.niceCeiling(0.21)).isCloseTo(0.25, within(1e-12));
        assertThat(ComparisonChart.niceCeiling(0.31)).isCloseTo(0.4, within(1e-12));
        assertThat(ComparisonChart.niceCeiling(0.646)).isCloseTo(0.8, within(1e-12));
        assertThat(ComparisonChart.niceCeiling(0.85)).isCloseTo(1.0, within(1e-12));
        assertThat(ComparisonChart.niceCeiling(0.0)).isEqualTo(1.0);
    }
}
