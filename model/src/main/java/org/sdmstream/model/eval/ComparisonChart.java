package org.sdmstream.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart of HR@K and NDCG@K per model as a standalone SVG document, written by hand so
 * the report needs no charting library. One group per metric and K, one bar per model, a shared y
 * axis.
 */
final class ComparisonChart {

    private static final String[] COLOURS = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
        "#9c755f", "#bab0ac"
    };
    private static final int BAR = 18;
    private static final int GROUP_GAP = 28;
    private static final int PLOT_HEIGHT = 300;
    private static final int LEFT = 60;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private ComparisonChart() {}

    private record Group(String label, double[] values) {}

    static String svg(EvaluationRun run) {
        List<ModelResult> models = run.models();
        List<Group> groups = new ArrayList<>();
        for (int k : run.ks()) {
            groups.add(
                    new Group(
                            "HR@" + k,
                            models.stream().mapToDouble(m -> m.at(k).hitRate()).toArray()));
        }
        for (int k : run.ks()) {
            groups.add(
                    new Group(
                            "NDCG@" + k,
                            models.stream().mapToDouble(m -> m.at(k).ndcg()).toArray()));
        }
        double max =
                groups.stream().flatMapToDouble(g -> Arrays.stream(g.values())).max().orElse(0);
        double top = niceCeiling(max * 1.15); // headroom for the value labels
        int groupWidth = Math.max(1, models.size()) * BAR + GROUP_GAP;
        int legendWidth = 170;
        int width = LEFT + groups.size() * groupWidth + legendWidth;
        int height = TOP + PLOT_HEIGHT + BOTTOM;

        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                                + "font-family=\"sans-serif\" font-size=\"11\">%n",
                        width,
                        height,
                        width,
                        height));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                        width,
                        height));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                        LEFT,
                        escape(
                                "HR@K and NDCG@K, leave-last-out, "
                                        + run.evaluatedUsers()
                                        + " users"
                                        + (run.excludeSeen() ? ", seen items excluded" : ""))));
        // y axis with five ticks
        int axisBottom = TOP + PLOT_HEIGHT;
        for (int t = 0; t <= 5; t++) {
            double value = top * t / 5;
            double y = axisBottom - PLOT_HEIGHT * t / 5.0;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                            LEFT,
                            y,
                            LEFT + groups.size() * groupWidth,
                            y));
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                            LEFT - 6,
                            y + 4,
                            format(value)));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                        LEFT,
                        TOP,
                        LEFT,
                        axisBottom));
        s.append(
                String.format(
                        Locale.ROOT,
                        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                        LEFT,
                        axisBottom,
                        LEFT + groups.size() * groupWidth,
                        axisBottom));
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            int x0 = LEFT + g * groupWidth + GROUP_GAP / 2;
            for (int m = 0; m < models.size(); m++) {
                double value = group.values()[m];
                double h = top == 0 ? 0 : PLOT_HEIGHT * value / top;
                int x = x0 + m * BAR;
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s %s = %s</title></rect>%n",
                                x,
                                axisBottom - h,
                                BAR - 2,
                                h,
                                colour(m),
                                escape(models.get(m).name()),
                                group.label(),
                                format(value)));
                // vertical labels: horizontal ones of neighbouring bars would overlap
                double lx = x + (BAR - 2) / 2.0 + 3;
                double ly = axisBottom - h - 3;
                s.append(
                        String.format(
                                Locale.ROOT,
                                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n",
                                lx,
                                ly,
                                lx,
                                ly,
                                format(value)));
            }
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                            x0 + models.size() * BAR / 2.0,
                            axisBottom + 18,
                            group.label()));
        }
        int legendX = LEFT + groups.size() * groupWidth + 20;
        for (int m = 0; m < models.size(); m++) {
            int y = TOP + m * 20;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                            legendX,
                            y,
                            colour(m)));
            s.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"%d\">%s</text>%n",
                            legendX + 18,
                            y + 10,
                            escape(models.get(m).name())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String colour(int model) {
        return COLOURS[model % COLOURS.length];
    }

    /**
     * The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^n) at or above {@code
     * max}; 1 for an empty chart.
     */
    static double niceCeiling(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
